namespace Dashboard.Benchmarks.Soak;

/// <summary>The machine's 1, 5 and 15 minute load averages, printed with every figure measured on a shared machine.</summary>
public static class LoadAverage
{
    public static string Now() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" ({Environment.ProcessorCount} CPUs)";
}
