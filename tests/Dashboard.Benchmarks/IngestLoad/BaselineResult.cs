namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>How long one way of loading rows took for how many rows.</summary>
public sealed record BaselineResult(string Method, long Rows, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;
}
