namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>Repeated runs of one query: how it was served, how many points it answered with, and the time of each run.</summary>
public sealed record QueryTiming(string Query, string ServedFrom, int Points, IReadOnlyList<double> Milliseconds)
{
    public double Percentile(double percentile)
    {
        var sorted = Milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
