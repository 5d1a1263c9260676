namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>What the series query benchmark loaded, how long the rollup pass over it took, and the query timings.</summary>
public sealed record QueryBenchResult(long Rows, TimeSpan Load, TimeSpan Rollup, int RollupRows, IReadOnlyList<QueryTiming> Timings);
