namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>What querybench loaded (pushes through the writer, rollup frames written) and how each range answered.</summary>
public sealed record QueryBenchResult(long RawPushes, TimeSpan Load, long MinuteFrames, long HourFrames, IReadOnlyList<QueryTiming> Timings);
