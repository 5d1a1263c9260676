using Dashboard.Server.Storage;

namespace Dashboard.Server.Model;

/// <summary>A hypervisor's drop rates over time as chart lines: per dropping rule, per Neutron port, per NSX filter and reason.</summary>
public sealed class DropChartsViewModel
{
    /// <summary>More lines than this are unreadable; the busiest are kept.</summary>
    public const int MaxLines = 8;

    public static readonly DropChartsViewModel Empty = new() { Resolution = "raw", PerRule = [], PerPort = [], PerReason = [] };

    public required string Resolution { get; init; }
    public required IReadOnlyList<ChartLine> PerRule { get; init; }
    public required IReadOnlyList<ChartLine> PerPort { get; init; }
    public required IReadOnlyList<ChartLine> PerReason { get; init; }

    public static DropChartsViewModel From(DropSeriesView series) => new()
    {
        Resolution = series.Resolution,
        PerRule = Lines(series.Rules, r => $"{r.Chain} #{r.Position}{(r.DropKind is null ? "" : $" ({r.DropKind})")}", r => r.At, r => r.Rate),
        PerPort = Lines(series.Rules.Where(r => r.Port is not null), r => r.Port!, r => r.At, r => r.Rate),
        PerReason = Lines(series.Reasons, r => $"{r.Filter}: {r.Reason}", r => r.At, r => r.Rate),
    };

    // Rates of one name at one instant add up (several rules of a port); an instant with no known rate stays out, never a zero.
    private static List<ChartLine> Lines<T>(IEnumerable<T> rows, Func<T, string> name, Func<T, DateTime> at, Func<T, double?> rate) =>
        rows.Where(r => rate(r) is not null)
            .GroupBy(name)
            .Select(g => new ChartLine(g.Key, g.GroupBy(at).OrderBy(p => p.Key)
                .Select(p => new ChartValue(new DateTimeOffset(DateTime.SpecifyKind(p.Key, DateTimeKind.Utc)), p.Sum(r => rate(r)!.Value))).ToList()))
            .OrderByDescending(l => l.Points.Max(p => p.Value)).ThenBy(l => l.Name, StringComparer.Ordinal)
            .Take(MaxLines)
            .ToList();
}
