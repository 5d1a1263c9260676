namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>A clock standing at one instant, so the rollup builder closes exactly the buckets of the loaded data.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
