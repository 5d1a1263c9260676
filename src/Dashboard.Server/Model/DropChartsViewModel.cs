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

    public static DropChartsViewModel From(DropSeriesView view)
    {
        var rules = view.Series.Where(s => s.Source == "iptables").ToList();
        return new()
        {
            Resolution = view.Resolution,
            PerRule = Lines(rules.Select(r => ($"{r.Name}{(r.Position is { } p ? $" #{p}" : "")}{(r.DropKind is null ? "" : $" ({r.DropKind})")}", r.Points))),
            PerPort = Lines(rules.Where(r => r.Port is not null).Select(r => (r.Port!, r.Points))),
            PerReason = Lines(view.Series.Where(s => s.Source == "nsx").Select(s => ($"{s.Name}: {s.Detail}", s.Points))),
        };
    }

    // Rates of one name at one instant add up (several rules of a port); an instant with no rate (a reset) stays out, never a zero.
    private static List<ChartLine> Lines(IEnumerable<(string Name, IReadOnlyList<DropPoint> Points)> series) =>
        series.Where(s => s.Points.Count > 0)
            .GroupBy(s => s.Name)
            .Select(g => new ChartLine(g.Key, g.SelectMany(s => s.Points).GroupBy(p => p.At).OrderBy(p => p.Key)
                .Select(p => new ChartValue(new DateTimeOffset(DateTime.SpecifyKind(p.Key, DateTimeKind.Utc)), p.Sum(x => x.PacketsPerSecond))).ToList()))
            .OrderByDescending(l => l.Points.Max(p => p.Value)).ThenBy(l => l.Name, StringComparer.Ordinal)
            .Take(MaxLines)
            .ToList();
}
