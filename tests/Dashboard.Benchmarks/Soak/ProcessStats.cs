using System.Globalization;
using System.Runtime.InteropServices;

namespace Dashboard.Benchmarks.Soak;

/// <summary>One reading of a process from /proc: resident memory, threads, open descriptors and CPU time used so far.</summary>
public sealed record ProcessStats(long RssBytes, int Threads, int OpenFiles, double CpuSeconds)
{
    private const int ClockTicksName = 2;
    private static readonly double s_ticksPerSecond = sysconf(ClockTicksName);

    public double RssMegabytes => RssBytes / 1048576.0;

    public static ProcessStats Read(int processId)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        var openFiles = Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd").Count();
        return new ProcessStats(rss, threads, openFiles, CpuSecondsOf(processId));
    }

    /// <summary>utime + stime of /proc/PID/stat, in seconds; 0 when the process is gone.</summary>
    public static double CpuSecondsOf(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        // The command name may hold spaces and parentheses: the fields are counted after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / s_ticksPerSecond;
    }

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
