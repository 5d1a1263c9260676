using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// CPU seconds used so far by this process (server and load generator together) and by the embedded PostgreSQL
/// (postmaster, its live children, and the children it has reaped), so a phase can say which side was busy.
/// </summary>
public sealed record CpuSample(long Timestamp, double ProcessSeconds, double? PostgresSeconds, double MachineSeconds)
{
    // USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public static CpuSample Take(int? postmaster)
    {
        using var self = Process.GetCurrentProcess();
        return new CpuSample(Stopwatch.GetTimestamp(), self.TotalProcessorTime.TotalSeconds, postmaster is { } pid ? ReadPostgresSeconds(pid) : null, ReadMachineSeconds());
    }

    /// <summary>CPU microseconds this process and PostgreSQL spent per row since <paramref name="start"/>.</summary>
    public double MicrosecondsPerRowSince(CpuSample start, long rows, bool postgresOnly = false)
    {
        var pg = PostgresSeconds is { } p && start.PostgresSeconds is { } p0 ? p - p0 : 0;
        var dotnet = postgresOnly ? 0 : ProcessSeconds - start.ProcessSeconds;
        return rows > 0 ? (dotnet + pg) * 1e6 / rows : double.NaN;
    }

    /// <summary>"1.4 + 0.5 cores": how many cores this process and PostgreSQL kept busy on average since <paramref name="start"/>.</summary>
    public string CoresSince(CpuSample start)
    {
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
        if (wall <= 0)
        {
            return "";
        }

        var dotnet = (ProcessSeconds - start.ProcessSeconds) / wall;
        return PostgresSeconds is { } pg && start.PostgresSeconds is { } pg0
            ? string.Create(CultureInfo.InvariantCulture, $"{dotnet:F2} + {(pg - pg0) / wall:F2}")
            : string.Create(CultureInfo.InvariantCulture, $"{dotnet:F2} + ?");
    }

    /// <summary>Cores kept busy by everything else on the machine since <paramref name="start"/>: a noisy neighbour shows here.</summary>
    public string OtherCoresSince(CpuSample start)
    {
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
        var ours = ProcessSeconds - start.ProcessSeconds + (PostgresSeconds ?? 0) - (start.PostgresSeconds ?? 0);
        return wall > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (MachineSeconds - start.MachineSeconds - ours) / wall):F2}") : "";
    }

    /// <summary>Busy CPU seconds of the whole machine (the first line of /proc/stat, idle and iowait left out).</summary>
    private static double ReadMachineSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double ticks = 0;
        for (var i = 1; i < fields.Length && i <= 8; i++)
        {
            if (i is not 4 and not 5)
            {
                ticks += double.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return ticks / TicksPerSecond;
    }

    private static double? ReadPostgresSeconds(int postmaster)
    {
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name, which is in parentheses and may contain spaces.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == postmaster)
                {
                    ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)
                        + double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture);
                }
                else if (parent == postmaster)
                {
                    ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked; its time is now in the postmaster's reaped-children total.
            }
        }

        return ticks / TicksPerSecond;
    }
}
