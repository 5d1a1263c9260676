using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>The soak samples as a fixed-width table, one row per sample.</summary>
public static class SampleTable
{
    public static void Print(IReadOnlyList<SoakSample> samples, TextWriter output)
    {
        output.WriteLine("  t (s)   RSS MB  threads  fds   CPU s  CPU %  pg conns  pushes ok  failed");
        foreach (var s in samples)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.At.TotalSeconds,7:0}  {s.Stats.RssMegabytes,7:0.0}  {s.Stats.Threads,7}  {s.Stats.OpenFiles,4}  {s.Stats.CpuSeconds,6:0.0}  {s.CpuPercent,5:0.0}  {s.PostgresConnections,8}  {s.PushesOk,9}  {s.PushesFailed,6}"));
        }
    }
}
