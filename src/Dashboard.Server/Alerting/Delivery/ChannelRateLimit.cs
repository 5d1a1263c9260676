namespace Dashboard.Server.Alerting.Delivery;

// Not System.Threading.RateLimiting: the count must be shared by every server instance, so it is read from the attempts table.
/// <summary>At most Count requests per Window to one channel.</summary>
public sealed record ChannelRateLimit(int Count, TimeSpan Window)
{
    /// <summary>
    /// Limits of each chat system per webhook: DingTalk and WeCom 20/min, Feishu 5/s and 100/min, Slack about 1/s with
    /// short bursts; Mattermost and Teams publish none, these keep well under their server-side throttles.
    /// </summary>
    public static IReadOnlyList<ChannelRateLimit> For(string kind) => kind switch
    {
        ChannelKinds.DingTalk or ChannelKinds.WeCom => [new(20, TimeSpan.FromMinutes(1))],
        ChannelKinds.Feishu => [new(5, TimeSpan.FromSeconds(1)), new(100, TimeSpan.FromMinutes(1))],
        ChannelKinds.Slack => [new(4, TimeSpan.FromSeconds(4))],
        ChannelKinds.Mattermost => [new(10, TimeSpan.FromSeconds(1))],
        ChannelKinds.Teams => [new(4, TimeSpan.FromSeconds(1))],
        _ => [],
    };

    public static TimeSpan Longest(IReadOnlyList<ChannelRateLimit> limits) =>
        limits.Count == 0 ? TimeSpan.Zero : limits.Max(l => l.Window);

    /// <summary>Requests still allowed now, given the times of recent attempts (newest first or any order).</summary>
    public static int Remaining(IReadOnlyList<ChannelRateLimit> limits, IReadOnlyList<DateTimeOffset> attempts, DateTimeOffset now) =>
        limits.Count == 0 ? int.MaxValue : limits.Min(l => Math.Max(0, l.Count - attempts.Count(a => a > now - l.Window)));

    /// <summary>When the next request will be allowed.</summary>
    public static DateTimeOffset NextFree(IReadOnlyList<ChannelRateLimit> limits, IReadOnlyList<DateTimeOffset> attempts, DateTimeOffset now)
    {
        var next = now;
        foreach (var limit in limits)
        {
            var inWindow = attempts.Where(a => a > now - limit.Window).OrderByDescending(a => a).ToList();
            if (inWindow.Count >= limit.Count)
            {
                var freedAt = inWindow[limit.Count - 1] + limit.Window;
                next = freedAt > next ? freedAt : next;
            }
        }

        return next;
    }
}
