using Dashboard.Server.Tests.Reliability;
using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>
/// `soak [--minutes 60] [--agents 50] [--sample-seconds 30] [--warmup-seconds 60] [--no-demo] [--server PATH]`: the built
/// server as its own process on a private PostgreSQL, fed by the demo fleet and N simulated agents; every sample reads its
/// RSS, threads, open descriptors, CPU time and PostgreSQL connections, and the run ends with a table and a verdict.
/// </summary>
public static class SoakCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        CommandArguments arguments;
        try
        {
            arguments = CommandArguments.Parse(args, new HashSet<string> { "--minutes", "--agents", "--sample-seconds", "--warmup-seconds", "--server" }, new HashSet<string> { "--no-demo" });
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"soak: {e.Message}");
            return 2;
        }

        var duration = TimeSpan.FromMinutes(arguments.Number("--minutes", 60));
        var agentCount = (int)arguments.Number("--agents", 50);
        var every = TimeSpan.FromSeconds(Math.Max(1, arguments.Number("--sample-seconds", 30)));
        var warmup = TimeSpan.FromSeconds(arguments.Number("--warmup-seconds", 60));
        var demo = !arguments.Has("--no-demo");
        var binary = ServerBinary.Locate(arguments.Text("--server"));

        Console.WriteLine($"soak: {duration.TotalMinutes:0.##} min, {(demo ? "demo fleet + " : "")}{agentCount} simulated agents every {SimulatedFleet.PushInterval.TotalSeconds:0} s, "
            + $"sample every {every.TotalSeconds:0} s after {warmup.TotalSeconds:0} s of warm-up; server {binary}");
        Console.WriteLine($"load average at start: {LoadAverage.Now()}");
        await using var postgres = await BenchmarkPostgres.StartAsync();
        var logFile = Path.Combine(Path.GetTempPath(), $"lvs-dashboard-soak-{DateTime.UtcNow:yyyyMMddHHmmss}.log");
        await using var server = ServerProcess.Start(binary, FreePort.Next(), postgres.ConnectionString, logFile, demo ? ["--demo"] : []);
        await server.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        await using var fleet = await SimulatedFleet.StartAsync(server.BaseAddress, postgres.ConnectionString, agentCount);
        Console.WriteLine($"server pid {server.Id} at {server.BaseAddress} (log {logFile}); {fleet.Agents.Count} agents pushing");
        // The first sample's CPU rate is that of the warm-up, not of the server's start.
        var previous = (At: -warmup, Cpu: ProcessStats.Read(server.Id).CpuSeconds);
        await Task.Delay(warmup);

        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stats = ProcessStats.Read(server.Id);
            var at = clock.Elapsed;
            var cpuPercent = at > previous.At ? (stats.CpuSeconds - previous.Cpu) / (at - previous.At).TotalSeconds * 100 : 0;
            previous = (at, stats.CpuSeconds);
            samples.Add(new SoakSample(at, stats, cpuPercent, await PostgresConnections.CountAsync(postgres.ConnectionString),
                fleet.Counters.Succeeded, fleet.Counters.Failed));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {at.TotalSeconds,5:0} s: RSS {stats.RssMegabytes:0.0} MB, {stats.Threads} threads, {stats.OpenFiles} fds, CPU {cpuPercent:0.0} %, load {LoadAverage.Now()}"));
            if (at >= duration || server.HasExited)
            {
                break;
            }

            var next = TimeSpan.FromTicks(Math.Min((duration - clock.Elapsed).Ticks, (every * samples.Count - clock.Elapsed).Ticks));
            await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.Zero);
        }

        Console.WriteLine();
        SampleTable.Print(samples, Console.Out);
        var verdict = BoundedVerdict.Judge(samples, duration);
        Console.WriteLine();
        Console.WriteLine(BoundedVerdict.Describe);
        foreach (var line in verdict.Lines)
        {
            Console.WriteLine(line);
        }

        var failedShare = samples[^1].PushesOk + samples[^1].PushesFailed is var total and > 0 ? (double)samples[^1].PushesFailed / total : 0;
        Console.WriteLine($"pushes: {samples[^1].PushesOk} answered 200, {samples[^1].PushesFailed} not ({failedShare:P1}); load average at end: {LoadAverage.Now()}");
        Console.WriteLine($"verdict: {(verdict.Bounded ? "bounded" : "NOT bounded")}");
        return verdict.Bounded && !server.HasExited ? 0 : 1;
    }
}
