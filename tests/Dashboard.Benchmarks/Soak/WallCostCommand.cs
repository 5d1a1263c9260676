using Dashboard.Server.Tests.Reliability;
using System.Diagnostics;
using System.Globalization;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Benchmarks.Soak;

/// <summary>
/// `wallcost [--agents 200] [--walls 20] [--seconds 60] [--warmup-seconds 60] [--server PATH]`: what open wall displays
/// cost the server. The built server runs as its own process on a private PostgreSQL with N simulated agents pushing every
/// 5 s; its CPU (% of one core, from /proc/PID/stat) and RSS are measured with no wall open, with the walls open in
/// headless Chromium (at nice 19, so that they do not take the server's CPU), and with none again. Loopback traffic only.
/// On a small machine the idle server's CPU includes thread-pool spin-waiting that yields once the browsers keep the CPUs
/// busy; DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 in the environment (the server inherits it) takes that out of both phases.
/// </summary>
public static class WallCostCommand
{
    private const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";
    private static readonly TimeSpan s_sampleEvery = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        CommandArguments arguments;
        try
        {
            arguments = CommandArguments.Parse(args, new HashSet<string> { "--agents", "--walls", "--seconds", "--warmup-seconds", "--server" }, new HashSet<string>());
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"wallcost: {e.Message}");
            return 2;
        }

        var agentCount = (int)arguments.Number("--agents", 200);
        var wallCount = (int)arguments.Number("--walls", 20);
        var measure = TimeSpan.FromSeconds(arguments.Number("--seconds", 60));
        var warmup = TimeSpan.FromSeconds(arguments.Number("--warmup-seconds", 60));
        var binary = ServerBinary.Locate(arguments.Text("--server"));
        if (!File.Exists(HeadlessWall.ChromiumPath))
        {
            Console.Error.WriteLine($"wallcost: Chromium is not installed at {HeadlessWall.ChromiumPath} (apt-get install chromium)");
            return 2;
        }

        Console.WriteLine($"wallcost: {agentCount} simulated agents every {SimulatedFleet.PushInterval.TotalSeconds:0} s; {measure.TotalSeconds:0} s with 0 walls, then with {wallCount}, then with 0 again; server {binary}");
        Console.WriteLine($"load average at start: {LoadAverage.Now()}; server thread-pool spinning: "
            + (Environment.GetEnvironmentVariable(SpinLimitVariable) is { } limit ? $"{SpinLimitVariable}={limit}" : "default"));
        await using var postgres = await BenchmarkPostgres.StartAsync();
        var work = Path.Combine(Path.GetTempPath(), "lvs-dashboard-wallcost-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        await using var server = ServerProcess.Start(binary, FreePort.Next(), postgres.ConnectionString, Path.Combine(work, "server.log"));
        await server.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        string wallToken;
        await using (var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString))
        {
            wallToken = await new TokenRepository(dataSource).CreateAsync("wallcost-wall", KnownRoles.Wall, Dashboard.Server.Ingest.HostScope.Any, CancellationToken.None);
        }

        await using var fleet = await SimulatedFleet.StartAsync(server.BaseAddress, postgres.ConnectionString, agentCount);
        Console.WriteLine($"server pid {server.Id} at {server.BaseAddress}; {fleet.Agents.Count} agents ({fleet.Directors} directors) pushing; warming up {warmup.TotalSeconds:0} s");
        await Task.Delay(warmup);

        var results = new List<PhaseResult> { await MeasureAsync("no walls", 0, server, postgres, fleet, [], measure) };
        var walls = new List<HeadlessWall>();
        try
        {
            var url = new Uri(server.BaseAddress, $"wall?token={Uri.EscapeDataString(wallToken)}");
            for (var i = 0; i < wallCount; i++)
            {
                walls.Add(HeadlessWall.Open(url, Path.Combine(work, $"wall-{i}")));
            }

            var opening = Stopwatch.StartNew();
            await Task.WhenAll(walls.Select(w => w.WaitUntilLiveAsync(TimeSpan.FromMinutes(3))));
            Console.WriteLine($"{walls.Count} walls live after {opening.Elapsed.TotalSeconds:0} s; settling {s_sampleEvery.TotalSeconds * 3:0} s");
            await Task.Delay(s_sampleEvery * 3);
            results.Add(await MeasureAsync($"{wallCount} walls", wallCount, server, postgres, fleet, [.. walls.Select(w => w.ProcessId)], measure));
        }
        finally
        {
            foreach (var wall in walls)
            {
                wall.Dispose();
            }
        }

        // Measured again without walls: on a shared machine, only a difference both no-wall phases agree on is the walls' cost.
        await Task.Delay(s_sampleEvery * 3);
        results.Add(await MeasureAsync("no walls again", 0, server, postgres, fleet, [], measure));

        Console.WriteLine();
        Console.WriteLine(PhaseResult.Header);
        foreach (var result in results)
        {
            Console.WriteLine(result);
        }

        if (wallCount > 0)
        {
            var (open, none) = (results[1], (CpuPercentMean: (results[0].CpuPercentMean + results[2].CpuPercentMean) / 2, RssMegabytesEnd: results[0].RssMegabytesEnd));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"per wall: {(open.CpuPercentMean - none.CpuPercentMean) / wallCount:+0.00;-0.00} % of one core (against the mean of both no-wall phases), "
                + $"{(open.RssMegabytesEnd - none.RssMegabytesEnd) / wallCount:+0.0;-0.0} MB RSS (against the first)"));
        }

        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // A Chromium helper may still hold its profile for a moment; it is in the temp folder.
        }

        return server.HasExited ? 1 : 0;
    }

    private static async Task<PhaseResult> MeasureAsync(string name, int walls, ServerProcess server, BenchmarkPostgres postgres, SimulatedFleet fleet, IReadOnlyList<int> browsers, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var start = ProcessStats.Read(server.Id);
        var browserCpuStart = ProcessTree.CpuSeconds(browsers);
        var (okStart, failedStart) = (fleet.Counters.Succeeded, fleet.Counters.Failed);
        var (previousAt, previousCpu) = (TimeSpan.Zero, start.CpuSeconds);
        var peakCpu = 0.0;
        var series = new List<double>();
        var peakRss = start.RssMegabytes;
        var last = start;
        while (clock.Elapsed < duration)
        {
            await Task.Delay(s_sampleEvery);
            last = ProcessStats.Read(server.Id);
            var at = clock.Elapsed;
            var cpu = (last.CpuSeconds - previousCpu) / (at - previousAt).TotalSeconds * 100;
            series.Add(cpu);
            peakCpu = Math.Max(peakCpu, cpu);
            peakRss = Math.Max(peakRss, last.RssMegabytes);
            (previousAt, previousCpu) = (at, last.CpuSeconds);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var result = new PhaseResult(name, walls, fleet.Agents.Count, (last.CpuSeconds - start.CpuSeconds) / seconds * 100, peakCpu, last.RssMegabytes, peakRss,
            last.Threads, last.OpenFiles, await PostgresConnections.CountAsync(postgres.ConnectionString), fleet.Counters.Succeeded - okStart, fleet.Counters.Failed - failedStart,
            (ProcessTree.CpuSeconds(browsers) - browserCpuStart) / seconds * 100, ProcessTree.PssBytes(browsers) / 1048576.0, LoadAverage.Now());
        Console.WriteLine(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  server CPU % per {s_sampleEvery.TotalSeconds:0} s: {string.Join(' ', series.Select(c => c.ToString("0", CultureInfo.InvariantCulture)))}"));
        return result;
    }
}
