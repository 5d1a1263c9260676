using Dapper;
using Dashboard.Core.Rates;
using Dashboard.Server.Storage.Frames;

namespace Dashboard.Server.Storage;

public sealed record DropSeriesView(string Resolution, IReadOnlyList<DropSeries> Series);

/// <param name="Source">"iptables" (a drop rule) or "nsx" (a DFW filter's reason counter).</param>
/// <param name="Name">The rule's chain, or the filter's name.</param>
/// <param name="Detail">The rule's comment (else its spec), or the reason.</param>
public sealed record DropSeries(string Source, string Name, string Detail, string? DropKind, string? Port, IReadOnlyList<DropPoint> Points, int? Position = null);

public sealed record DropPoint(DateTime At, double PacketsPerSecond);

/// <summary>
/// A hypervisor's drops over time: per drop rule (a drop kind, or target DROP/REJECT) and per NSX filter reason other than
/// "pass", as packets a second, from the same tier <see cref="SeriesRepository"/> would choose for the range; the series
/// that dropped most first.
/// </summary>
public sealed class DropSeriesRepository(DashboardDatabase database, FrameReader reader)
{
    /// <summary>The most series one answer carries: a chart shows the rules that dropped most, not a node's hundreds of idle ones.</summary>
    public const int MaxSeries = 500;

    /// <param name="top">The series that dropped most in the range, at most this many; series that dropped nothing are left out.</param>
    public async Task<DropSeriesView> HostDropsAsync(string host, DateTimeOffset from, DateTimeOffset to, CancellationToken ct, int top = 20)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        const string rulesSql = """
            select id, chain, coalesce(comment, spec) as detail, drop_kind, neutron_port, position from iptables_rules
            where host = @host and (drop_kind is not null or target in ('DROP', 'REJECT'))
            """;
        var rules = (await conn.QueryAsync<(long Id, string Chain, string Detail, string? DropKind, string? Port, int Position)>(
            new CommandDefinition(rulesSql, new { host }, cancellationToken: ct))).ToDictionary(r => r.Id);
        const string countersSql = """
            select c.id, f.name, c.reason from nsx_filter_counters c join nsx_filters f on f.id = c.filter_id
            where f.host = @host and c.reason <> 'pass'
            """;
        var counters = (await conn.QueryAsync<(long Id, string Filter, string Reason)>(
            new CommandDefinition(countersSql, new { host }, cancellationToken: ct))).ToDictionary(c => c.Id);

        var tier = SeriesRepository.TierFor(to - from);
        var start = tier.Bucket > TimeSpan.Zero ? new DateTimeOffset(from.UtcTicks - from.UtcTicks % tier.Bucket.Ticks, TimeSpan.Zero) : from;
        var series = new List<DropSeries>();
        if (rules.Count > 0)
        {
            var frames = await reader.ReadRangeAsync(conn, tier, host, FrameKind.IptablesRules, start, to, ct);
            series.AddRange(Rates(frames, tier, rules.Keys).Select(p =>
                new DropSeries("iptables", rules[p.Key].Chain, rules[p.Key].Detail, rules[p.Key].DropKind, rules[p.Key].Port, p.Value, rules[p.Key].Position)));
        }

        if (counters.Count > 0)
        {
            var frames = await reader.ReadRangeAsync(conn, tier, host, FrameKind.NsxCounters, start, to, ct);
            series.AddRange(Rates(frames, tier, counters.Keys).Select(p =>
                new DropSeries("nsx", counters[p.Key].Filter, counters[p.Key].Reason, null, null, p.Value)));
        }

        var busiest = series.Select(s => (Series: s, Total: s.Points.Sum(p => p.PacketsPerSecond))).Where(s => s.Total > 0)
            .OrderByDescending(s => s.Total).Take(Math.Clamp(top, 1, MaxSeries)).Select(s => s.Series).ToList();
        return new DropSeriesView(tier == FrameTier.Raw ? "raw" : tier == FrameTier.Minute ? "1m" : "1h", busiest);
    }

    /// <summary>Packets a second per series: between consecutive raw frames (resets as CounterMath has them), or a bucket's increase over its length.</summary>
    private static Dictionary<long, List<DropPoint>> Rates(IReadOnlyList<StoredFrame> frames, FrameTier tier, IEnumerable<long> wanted)
    {
        var result = wanted.ToDictionary(id => id, _ => new List<DropPoint>());
        var previous = new Dictionary<long, (DateTimeOffset At, long Value)>();
        foreach (var frame in frames)
        {
            var data = frame.Data;
            for (var s = 0; s < data.Series.Count; s++)
            {
                var id = data.Series[s];
                if (!result.TryGetValue(id, out var points) || data.Values[0][s] is not { } value)
                {
                    continue;
                }

                if (tier.Bucket > TimeSpan.Zero)
                {
                    points.Add(new DropPoint(frame.At.UtcDateTime, value / tier.Bucket.TotalSeconds));
                }
                else
                {
                    if (previous.TryGetValue(id, out var before))
                    {
                        points.Add(new DropPoint(frame.At.UtcDateTime, CounterMath.Rate((ulong)before.Value, (ulong)value, frame.At - before.At, out _)));
                    }

                    previous[id] = (frame.At, value);
                }
            }
        }

        return result.Where(r => r.Value.Count > 0).ToDictionary();
    }
}
