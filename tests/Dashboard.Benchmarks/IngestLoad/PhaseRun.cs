namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>A phase's pushes with the CPU readings taken around it.</summary>
public sealed record PhaseRun(PhaseStats Stats, CpuSample Before, CpuSample After)
{
    public string Cores => After.CoresSince(Before);

    public string OtherCores => After.OtherCoresSince(Before);

    public double CpuMicrosecondsPerRow => After.MicrosecondsPerRowSince(Before, Stats.Rows);

    /// <summary>CPU of this process and PostgreSQL per number stored (<see cref="BatchNumbers"/>), in nanoseconds.</summary>
    public double CpuNanosecondsPerNumber => Stats.Numbers > 0 ? After.MicrosecondsPerRowSince(Before, Stats.Numbers) * 1000 : 0;

    public static async Task<PhaseRun> MeasureAsync(int? postmaster, Func<Task<PhaseStats>> phase)
    {
        var before = CpuSample.Take(postmaster);
        var stats = await phase();
        return new PhaseRun(stats, before, CpuSample.Take(postmaster));
    }
}
