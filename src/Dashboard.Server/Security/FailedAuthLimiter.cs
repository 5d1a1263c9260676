using System.Collections.Concurrent;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>
/// Failed bearer authentications per client address and minute: past the limit an address gets 429 before any database
/// look-up, so a stream of made-up tokens costs neither the database nor the log.
/// </summary>
public sealed class FailedAuthLimiter(IOptionsMonitor<DashboardOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public bool IsBlocked(string address) =>
        _windows.TryGetValue(address, out var w) && w.Minute == Minute() && w.Failures >= options.CurrentValue.Ingest.MaxFailedAuthPerMinutePerAddress;

    /// <summary>Counts a failure; true when it is the one that reached the limit (worth one log line).</summary>
    public bool RecordFailure(string address)
    {
        var minute = Minute();
        if (_windows.Count > 100_000)
        {
            foreach (var stale in _windows.Where(w => w.Value.Minute != minute).Select(w => w.Key).ToList())
            {
                _windows.TryRemove(stale, out _);
            }
        }

        var window = _windows.AddOrUpdate(address, _ => new Window(minute, 1), (_, w) => w.Minute == minute ? w with { Failures = w.Failures + 1 } : new Window(minute, 1));
        return window.Failures == options.CurrentValue.Ingest.MaxFailedAuthPerMinutePerAddress;
    }

    /// <summary>Seconds until the current window ends, for Retry-After.</summary>
    public int SecondsLeft() => 60 - clock.GetUtcNow().Second;

    private long Minute() => clock.GetUtcNow().ToUnixTimeSeconds() / 60;

    private sealed record Window(long Minute, int Failures);
}
