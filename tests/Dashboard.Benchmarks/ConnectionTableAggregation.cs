using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Dashboard.Core.Ipvs;

namespace Dashboard.Benchmarks;

/// <summary>
/// Counting 1,000,000 connection rows by (protocol, virtual, destination, state): the real `wc -l` process and the
/// in-process newline-counting floor (what `wc -l` does), the obvious ReadLine/Split/Dictionary&lt;string&gt; way, and the
/// streaming parsers on one thread and, reading the file in chunks with the same result, on two.
/// </summary>
public class ConnectionTableAggregation
{
    private const int Lines = 1_000_000;
    private string _path = "";

    [Params("ipvsadm-conn", "proc-ip-vs-conn")]
    public string Format { get; set; } = "ipvsadm-conn";

    [GlobalSetup]
    public void GenerateTable()
    {
        _path = Path.Combine(Path.GetTempPath(), $"dashboard-bench-{Format}-{Environment.ProcessId}.txt");
        var generator = InputGenerators.All.Single(g => g.Name == Format);
        using var output = new StreamWriter(_path, append: false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        generator.Write(output, Lines, seed: 42);
    }

    [GlobalCleanup]
    public void DeleteTable() => File.Delete(_path);

    /// <summary>The literal baseline: `wc -l` as a process, started and waited for, on the same file.</summary>
    [Benchmark]
    public string WcLineCountProcess()
    {
        using var wc = Process.Start(new ProcessStartInfo("wc", ["-l", _path]) { RedirectStandardOutput = true })!;
        var output = wc.StandardOutput.ReadToEnd();
        wc.WaitForExit();
        return output;
    }

    [Benchmark]
    public long CountNewlines()
    {
        using var file = OpenUnbuffered();
        var buffer = new byte[256 * 1024];
        long newlines = 0;
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            newlines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return newlines;
    }

    [Benchmark(Baseline = true)]
    public int NaiveReadLineSplit()
    {
        var counts = new Dictionary<string, long>();
        using var reader = new StreamReader(_path);
        var proc = Format == "proc-ip-vs-conn";
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (proc ? f.Length < 9 || f[0] == "Pro" : f.Length < 6 || f[0] == "pro" || f[0] == "IPVS")
            {
                continue;
            }

            var (state, clientPort, key) = proc
                ? (f[7], f[2], $"{f[0]}|{f[3]}:{f[4]}|{f[5]}:{f[6]}")
                : (f[2], f[3][(f[3].LastIndexOf(':') + 1)..], $"{f[0]}|{f[4]}|{f[5]}");
            var template = (clientPort == "0" || clientPort == "0000") && (state == "NONE" || state == "ASSURED");
            key += "|" + (template ? "template" : state);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts.Count;
    }

    [Benchmark]
    public long StreamingParser()
    {
        using var file = OpenUnbuffered();
        var outcome = Format == "proc-ip-vs-conn" ? ProcIpVsConnParser.Parse(file) : IpvsadmConnectionParser.Parse(file);
        return outcome.Value.Connections + outcome.Value.Templates;
    }

    private FileStream OpenUnbuffered() => new(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
}
