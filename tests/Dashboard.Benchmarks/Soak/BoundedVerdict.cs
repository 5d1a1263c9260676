using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>
/// "bounded" when, in the last third of the run, the peaks of RSS, threads, open descriptors and PostgreSQL connections,
/// and the mean CPU rate, stay within +25 % of the first third's (plus a small absolute slack for small numbers).
/// </summary>
public sealed record BoundedVerdict(bool Bounded, IReadOnlyList<string> Lines)
{
    public const double Band = 0.25;

    public static string Describe =>
        $"band: last third <= first third x {1 + Band:0.00} + slack (RSS peak +16 MB, threads peak +4, fds peak +16, PostgreSQL connections peak +2, mean CPU +5 points)";

    public static BoundedVerdict Judge(IReadOnlyList<SoakSample> samples, TimeSpan duration)
    {
        var first = samples.Where(s => s.At <= duration / 3).ToList();
        var last = samples.Where(s => s.At >= duration * 2 / 3).ToList();
        if (first.Count == 0 || last.Count == 0)
        {
            return new BoundedVerdict(false, ["too few samples to compare the first and last thirds"]);
        }

        var checks = new[]
        {
            Check("RSS MB (peak)", first.Max(s => s.Stats.RssMegabytes), last.Max(s => s.Stats.RssMegabytes), 16),
            Check("threads (peak)", first.Max(s => s.Stats.Threads), last.Max(s => s.Stats.Threads), 4),
            Check("open fds (peak)", first.Max(s => s.Stats.OpenFiles), last.Max(s => s.Stats.OpenFiles), 16),
            Check("PostgreSQL connections (peak)", first.Max(s => s.PostgresConnections), last.Max(s => s.PostgresConnections), 2),
            Check("CPU % of one core (mean)", first.Average(s => s.CpuPercent), last.Average(s => s.CpuPercent), 5),
        };
        return new BoundedVerdict(checks.All(c => c.Within), [.. checks.Select(c => c.Line)]);
    }

    private static (bool Within, string Line) Check(string name, double first, double last, double slack)
    {
        var limit = first * (1 + Band) + slack;
        var within = last <= limit;
        return (within, string.Create(CultureInfo.InvariantCulture,
            $"  {name,-30} first third {first,8:0.0}  last third {last,8:0.0}  limit {limit,8:0.0}  {(within ? "ok" : "OUT OF BAND")}"));
    }
}
