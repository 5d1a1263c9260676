namespace Dashboard.Benchmarks.Soak;

/// <summary>One sample of the server process under load: when, its /proc figures, its CPU rate since the previous sample, PostgreSQL connections and pushes so far.</summary>
public sealed record SoakSample(TimeSpan At, ProcessStats Stats, double CpuPercent, int PostgresConnections, long PushesOk, long PushesFailed);
