using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Npgsql;
using static Dashboard.Benchmarks.IngestLoad.LoadgenReport;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// `loadgen`: the whole server in this process, a simulated fleet pushing over loopback HTTP (steady, then a closed-loop
/// sweep), the same rows through psql's COPY and through row-by-row INSERT, where a push's time goes, and the series query.
/// `querybench`: the series query alone.
/// </summary>
public static class LoadgenCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (options, error) = LoadgenOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(LoadgenOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var ct = cancel.Token;
        var report = new LoadgenReport(options.Output);
        var started = Stopwatch.GetTimestamp();
        report.Line($"# Ingest and series query under load ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC)\n");
        // The server ships with Server GC (Web SDK default); this process gets it only through the environment.
        var gc = GCSettings.IsServerGC ? "" : "DOTNET_gcServer=0 ";
        report.Line($"Command: `{gc}dotnet run -c Release --project tests/Dashboard.Benchmarks -- {string.Join(' ', args)}`\n");
        report.Line($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + (GCSettings.IsServerGC ? "Server GC as the server ships" : "workstation GC (the server ships with Server GC)")
            + $"; load average (1/5/15 min) at start {LoadAverage()}.\n");

        await using var server = await LoadServer.StartAsync(options.Connection, throwaway: false, ct);
        await DescribeServerAsync(server, report, ct);
        try
        {
            if (options.NeedsFleet)
            {
                await RunIngestAsync(server, options, report, ct);
            }

            if (options.Runs("query") && !options.NeedsFleet)
            {
                await RunQueryAsync(server, options, report, "querybench-dr-01", ct);
            }
            else if (options.Runs("query"))
            {
                // A database of its own, so a day of rollups is not rebuilt over the millions of rows the load phases left.
                server.DataSource.Clear();
                var database = new NpgsqlConnectionStringBuilder(server.ConnectionString).Database + "_querybench";
                await using var queryServer = await LoadServer.StartAsync(server.ConnectionStringFor(database), throwaway: options.Connection is null, ct);
                report.Line($"\nSeries query on a second in-process server instance, database `{database}` of the same PostgreSQL.");
                await RunQueryAsync(queryServer, options, report, $"querybench-dr-{DateTime.UtcNow:HHmmss}", ct);
            }
        }
        finally
        {
            report.Line($"\nLoad average at the end {LoadAverage()}; whole run {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s.");
            report.Write();
        }

        return 0;
    }

    private static async Task DescribeServerAsync(LoadServer server, LoadgenReport report, CancellationToken ct)
    {
        await using var conn = await server.DataSource.OpenConnectionAsync(ct);
        const string settings = """
            select current_setting('server_version') as version, current_setting('shared_buffers') as shared_buffers,
                   current_setting('synchronous_commit') as synchronous_commit, current_setting('max_wal_size') as max_wal_size,
                   current_setting('max_connections') as max_connections
            """;
        var s = await conn.QuerySingleAsync<(string Version, string SharedBuffers, string SynchronousCommit, string MaxWalSize, string MaxConnections)>(
            new CommandDefinition(settings, cancellationToken: ct));
        report.Line($"Server: **in-process** (`DashboardApp.Build`, Kestrel on {server.BaseAddress}, all loopback), {server.Database.Description}; "
            + $"PostgreSQL {s.Version} with its defaults (shared_buffers {s.SharedBuffers}, synchronous_commit {s.SynchronousCommit}, "
            + $"max_wal_size {s.MaxWalSize}, max_connections {s.MaxConnections}). The load generator shares the process and the cores with the server; "
            + "\"cores\" columns are CPU seconds per wall second of this process + PostgreSQL.");
    }

    private static async Task RunIngestAsync(LoadServer server, LoadgenOptions options, LoadgenReport report, CancellationToken ct)
    {
        var hostPrefix = options.Connection is null ? "" : $"r{DateTime.UtcNow:MMddHHmmss}-";
        var watch = Stopwatch.StartNew();
        var fleet = await Fleet.CreateAsync(server, options, hostPrefix, ct);
        report.Heading("Payloads");
        report.Line($"Built once per agent in {watch.Elapsed.TotalSeconds:F1} s (payload shapes, {fleet.Agents.Count} tokens); each push moves the counters on.\n");
        DescribePayloads(options, report);
        if (options.History > TimeSpan.Zero)
        {
            var history = await HistoryFill.WriteAsync(server, fleet, options, options.History, ct);
            report.Heading("Earlier data");
            report.Line($"{options.History.TotalHours:F0} h of every agent's pushes before the first live one: {history.Pushes:N0} pushes ({history.Rows:N0} rows) "
                + $"written through the server's writer in {history.Wall.TotalSeconds:F0} s, rolled into minutes and hours in {history.Rollup.TotalSeconds:F0} s.\n");
        }

        using var client = server.CreateClient();
        var postmaster = server.PostmasterProcessId;
        var warm = await PhaseRun.MeasureAsync(postmaster, () => SteadyPhase.WarmUpAsync(fleet, client, options.Gzip, 8, ct));
        PhaseRun? steady = null;
        PhaseRun? warmup = null;
        PhaseTimeline? timeline = null;
        IReadOnlyList<(string Type, double Share)> allocationsTop = [];
        if (options.Runs("steady"))
        {
            if (options.Warmup > TimeSpan.Zero)
            {
                // Measured apart: the first minutes of a fresh server tier up its code, fill its caches and roll its first minutes from raw rows.
                warmup = await PhaseRun.MeasureAsync(postmaster, () => SteadyPhase.RunAsync(fleet, client, options.Interval, options.Warmup, options.Gzip, ct,
                    $"warm-up at the steady rate, {options.Warmup.TotalSeconds:F0} s"));
            }

            timeline = PhaseTimeline.Start(server.DataSource);
            using var allocations = new AllocationSampler();
            steady = await PhaseRun.MeasureAsync(postmaster, () => SteadyPhase.RunAsync(fleet, client, options.Interval, options.Duration, options.Gzip, ct));
            await timeline.DisposeAsync();
            allocationsTop = allocations.Top(12);
        }

        report.Heading(steady is null
            ? $"First push of each of {fleet.Agents.Count} agents"
            : $"Steady: {fleet.Agents.Count} agents, one push each per {options.Interval.TotalSeconds:F0} s, {options.Duration.TotalSeconds:F0} s");
        report.Line($"{options.Directors} directors, {options.Hypervisors} hypervisors, {options.NsxHosts} NSX hosts; random start offsets; "
            + "latency = request sent → 200 with status \"stored\" (the batch is committed); \"late\" = pushes sent more than 1 s after they were due "
            + $"because the previous one was still unanswered. Load average after: {LoadAverage()}.\n");
        PhaseTable(report, steady is null ? [warm] : warmup is null ? [warm, steady] : [warm, warmup, steady]);
        if (steady is not null)
        {
            report.Line("\nBy role, p50 / p99 ms: " + string.Join(", ", steady.Stats.LatencyByRole().Select(r => $"{r.Role} {Number(r.P50Ms, 1)} / {Number(r.P99Ms, 1)} ({Number(r.Pushes)} pushes)")) + ".");
            var windows = steady.Stats.P99ByWindow(TimeSpan.FromSeconds(10));
            report.Line("\np99 of the steady phase per 10 s window (ms), in order: "
                + string.Join(", ", windows.Select(w => Number(w.P99Ms, 0))) + $". Rollup passes run every {StorageMaintenanceService.RollupInterval.TotalSeconds:F0} s.");
            var happened = timeline!.ByWindow(TimeSpan.FromSeconds(10));
            report.Line("In the same windows: GC pause ms (collections of gen 0/1/2; the most a young collection kept alive), a letter per second a rollup statement was running"
                + " (M minutes, H hours; V autovacuum), WAL MiB written (thousands of full-page images in it) and a ✓ per checkpoint: " + string.Join(", ", happened.Select(w =>
                    $"{Number(w.GcPauseMs, 0)} ({w.Gen0}/{w.Gen1}/{w.Gen2}; {Number(w.PromotedMiB, 0)} MiB) {w.Background} {Number(w.WalMiB, 0)} MiB ({Number(w.FullPageImages / 1000.0, 0)}k){new string('✓', (int)w.Checkpoints)}")) + ".");
            var (databaseGrowth, walGrowth) = timeline.Growth();
            var numbers = steady.Stats.Numbers / steady.Stats.Wall.TotalSeconds;
            report.Line($"\nStorage cost, fitted to PostgreSQL's own counters sampled each second: {Number(OfferedNumbers(options))} numbers/s offered, "
                + $"{Number(numbers)} stored; database growth **{Number(databaseGrowth * 86400 / 1e9, 1)} GB a day, {Number(databaseGrowth / numbers, 2)} bytes per number**; "
                + $"WAL **{Number(walGrowth * 86400 / 1e9, 1)} GB a day, {Number(walGrowth / numbers, 2)} bytes per number**; "
                + $"CPU (this process and PostgreSQL) {Number(steady.CpuNanosecondsPerNumber, 0)} ns per number.");
            report.Line("What this process allocated most (sampled by the runtime every ~100 KB): "
                + string.Join(", ", allocationsTop.Select(a => $"{a.Type} {a.Share:P0}")) + ".");
        }

        PhaseRun? best = null;
        if (options.Runs("saturation"))
        {
            best = await RunSaturationAsync(fleet, client, options, report, postmaster, ct);
        }

        // The pool grew to one connection per concurrent push; idle ones would keep psql and a second server instance out.
        server.DataSource.Clear();
        if (options.Runs("rollups"))
        {
            await Section(report, "Rollups at this volume", async () =>
            {
                report.Line($"Server's own rollup watermarks after the load: {await RollupProbe.WatermarkLagAsync(server, ct)} "
                    + $"(StorageMaintenanceService passes every {StorageMaintenanceService.RollupInterval.TotalSeconds:F0} s). "
                    + "The last settled minute rolled again by a builder of its own, from its raw frames:\n");
                var (frames, rawFrames, rawBytes, elapsed) = await RollupProbe.RunAsync(server, ct);
                report.Table(["raw frames read", "raw MiB (as stored)", "minute frames written", "pass s"],
                    [[Number(rawFrames), Number(rawBytes / 1048576.0, 1), Number(frames), Number(elapsed.TotalSeconds, 2)]]);
            });
        }

        if (options.Runs("baselines"))
        {
            var ours = best ?? steady;
            await Section(report, "Baselines: the same rows, other ways in", () => RunBaselinesAsync(server, fleet, options, report, ours, steady, ct));
        }

        if (options.Runs("probe"))
        {
            await Section(report, "Where a push's time goes (one batch at a time, median of 10)", async () =>
            {
                var probe = await ServerCostProbe.RunAsync(server, options, fleet.HostPrefix, ct);
                report.Table(["step", "ms per batch", "note"], probe.Select(p => (IReadOnlyList<string>)[p.Step, Number(p.Milliseconds, 2), p.Note]));
            });
        }
    }

    /// <summary>The closed-loop sweep, one step past the best when it was still growing, and the best step again without Neutron ports.</summary>
    private static async Task<PhaseRun> RunSaturationAsync(Fleet fleet, HttpClient client, LoadgenOptions options, LoadgenReport report, int? postmaster,
        CancellationToken ct)
    {
        var sweep = new List<(int Concurrency, PhaseRun Run)>();
        // Each pusher needs at least one agent of its own.
        foreach (var concurrency in options.Concurrency.Where(c => c >= 1 && c <= fleet.Agents.Count))
        {
            sweep.Add((concurrency, await SaturateAsync(fleet, client, options, concurrency, null, postmaster, ct)));
        }

        if (sweep.Count > 1 && sweep.MaxBy(s => s.Run.Stats.RowsPerSecond) == sweep[^1] && sweep[^1].Concurrency * 2 <= fleet.Agents.Count)
        {
            // Still growing at the last step: one more, so the table shows the plateau.
            var more = sweep[^1].Concurrency * 2;
            sweep.Add((more, await SaturateAsync(fleet, client, options, more, null, postmaster, ct)));
        }

        var (bestConcurrency, best) = sweep.MaxBy(s => s.Run.Stats.RowsPerSecond);
        var knee = sweep.First(s => s.Run.Stats.RowsPerSecond >= 0.95 * best.Stats.RowsPerSecond).Run;
        SetNeutronPorts(fleet, omit: true);
        var withoutPorts = await SaturateAsync(fleet, client, options, bestConcurrency, $"C = {bestConcurrency}, hypervisors send no Neutron ports", postmaster, ct);
        SetNeutronPorts(fleet, omit: false);

        report.Heading($"Saturation: closed loop, {options.SaturationDuration.TotalSeconds:F0} s per step");
        report.Line($"C pushers, each cycling through its share of the same {fleet.Agents.Count} agents (same mix), next push as soon as the last is answered. "
            + "The last row repeats the best step with the hypervisors' Neutron ports left out, which is what a writer that skips unchanged ports would store. "
            + $"Load average after: {LoadAverage()}.\n");
        PhaseTable(report, [.. sweep.Select(s => s.Run), withoutPorts]);
        report.Line($"\nSaturation point: **{knee.Stats.Name}** is the first step within 5 % of the best ({Number(best.Stats.RowsPerSecond)} rows/s at {best.Stats.Name}). "
            + $"Without the per-port upserts: {Number(withoutPorts.Stats.RowsPerSecond)} rows/s ({Number(100 * (withoutPorts.Stats.RowsPerSecond / best.Stats.RowsPerSecond - 1), 0)} %), "
            + $"{Number(withoutPorts.CpuMicrosecondsPerRow, 1)} vs {Number(best.CpuMicrosecondsPerRow, 1)} CPU µs per row.");
        return best;
    }

    private static async Task RunBaselinesAsync(LoadServer server, Fleet fleet, LoadgenOptions options, LoadgenReport report, PhaseRun? oursRun,
        PhaseRun? steady, CancellationToken ct)
    {
        var postmaster = server.PostmasterProcessId;
        var rows = await BaselineRows.CreateAsync(fleet, server.DataSource, ct);
        var before = CpuSample.Take(postmaster);
        var copy = await CopyBaseline.RunAsync(server.ConnectionString, rows, options.CopyRows, ct);
        var copyCpu = CpuSample.Take(postmaster).MicrosecondsPerRowSince(before, copy[^1].Rows, postgresOnly: true);
        before = CpuSample.Take(postmaster);
        var insert = await InsertBaseline.RunAsync(server.DataSource, rows, options.InsertRows, options.InsertLimit, ct);
        var insertCpu = CpuSample.Take(postmaster).MicrosecondsPerRowSince(before, insert.Rows);
        report.Line("Raw COPY loads half its rows into ipvs_rs_samples (the directors' real-server samples) and half into iptables_rule_samples "
            + "(the hypervisors' counters with their stored rule ids), from COPY text files written beforehand (not timed), one psql process per table. "
            + "Ours also writes service, NSX, host and journal rows, parses JSON and answers HTTP. CPU µs/row: this process + PostgreSQL "
            + "(for psql: PostgreSQL only).\n");
        var results = new List<(BaselineResult Result, double Cpu)>();
        BaselineResult? ours = null;
        if (oursRun is not null)
        {
            ours = new BaselineResult($"ours: HTTP + JSON + binary COPY ({oursRun.Stats.Name})", oursRun.Stats.Rows, oursRun.Stats.Wall);
            results.Add((ours, oursRun.CpuMicrosecondsPerRow));
        }

        results.AddRange(copy.Select(c => (c, ReferenceEquals(c, copy[^1]) ? copyCpu : double.NaN)));
        results.Add((insert, insertCpu));
        report.Table(["method", "rows", "seconds", "rows/s", "ours ÷ this", "CPU µs/row"],
            results.Select(r => (IReadOnlyList<string>)
            [
                r.Result.Method, Number(r.Result.Rows), Number(r.Result.Elapsed.TotalSeconds, 2), Number(r.Result.RowsPerSecond),
                ours is null ? "–" : Number(ours.RowsPerSecond / r.Result.RowsPerSecond, 2), Number(r.Cpu, 1),
            ]));
        if (ours is null)
        {
            return;
        }

        var copyBoth = copy[^1];
        var goals = new List<IReadOnlyList<string>>
        {
            new[] { "share of raw COPY throughput", "≥ 50 %", $"{Number(100 * ours.RowsPerSecond / copyBoth.RowsPerSecond)} %", Met(ours.RowsPerSecond >= copyBoth.RowsPerSecond / 2) },
            new[] { "speed-up over row-by-row INSERT", "≥ 10×", $"{Number(ours.RowsPerSecond / insert.RowsPerSecond, 1)}×", Met(ours.RowsPerSecond >= 10 * insert.RowsPerSecond) },
        };
        if (steady is not null)
        {
            var p99 = steady.Stats.LatencyMs(99);
            goals.Add([$"steady ack p99 at {fleet.Agents.Count} agents", "< 250 ms", $"{Number(p99, 1)} ms", Met(p99 < 250)]);
        }

        report.Line("");
        report.Table(["goal", "target", "measured", "met"], goals);
    }

    private static async Task<PhaseRun> SaturateAsync(Fleet fleet, HttpClient client, LoadgenOptions options, int concurrency, string? name, int? postmaster,
        CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var run = await PhaseRun.MeasureAsync(postmaster, () => SaturationPhase.RunAsync(fleet, client, concurrency, options.SaturationDuration, options.Gzip, name, ct));
        Console.WriteLine($"  {run.Stats.Name}: {Number(run.Stats.RowsPerSecond)} rows/s, p99 {Number(run.Stats.LatencyMs(99), 1)} ms, load average {LoadAverage()}");
        return run;
    }

    private static void SetNeutronPorts(Fleet fleet, bool omit)
    {
        foreach (var payload in fleet.Agents.Select(a => a.Payload).OfType<HypervisorPayload>())
        {
            payload.OmitNeutronPorts = omit;
        }
    }

    /// <summary>One section of the report; a failure is reported in place and the run goes on to the next.</summary>
    private static async Task Section(LoadgenReport report, string title, Func<Task> body)
    {
        report.Heading(title);
        try
        {
            await body();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or HttpRequestException)
        {
            report.Line($"**Failed:** {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Numbers per second the whole fleet offers at one push per interval, counted as <see cref="BatchNumbers"/> counts them.</summary>
    private static double OfferedNumbers(LoadgenOptions options) =>
        (options.Directors * BatchNumbers.Count(new DirectorPayload(0, options.Vips, options.RealServers).Next("sizing", 1, DateTimeOffset.UtcNow))
            + options.Hypervisors * BatchNumbers.Count(new HypervisorPayload(0, options.Rules).Next("sizing", 1, DateTimeOffset.UtcNow))
            + options.NsxHosts * BatchNumbers.Count(new NsxPayload(0, options.Filters).Next("sizing", 1, DateTimeOffset.UtcNow)))
        / options.Interval.TotalSeconds;

    private static void DescribePayloads(LoadgenOptions options, LoadgenReport report)
    {
        var kinds = new (string Name, int Agents, IPayloadSource Payload, string Shape)[]
        {
            ("director", options.Directors, new DirectorPayload(0, options.Vips, options.RealServers),
                $"{options.Vips} VIPs × {options.RealServers} real servers, counts by 5 states, weights, active/inactive, service stats, VRRP"),
            ("hypervisor", options.Hypervisors, new HypervisorPayload(0, options.Rules),
                $"{options.Rules:N0}-rule Neutron iptables-save -c, parsed by the agent's parser; counters grow per push"),
            ("nsx", options.NsxHosts, new NsxPayload(0, options.Filters), $"{options.Filters} DFW filters × 4 reasons, 40 rule stats"),
        };
        var offered = 0.0;
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, agents, payload, shape) in kinds)
        {
            var batch = payload.Next("sizing", 1, DateTimeOffset.UtcNow);
            var json = JsonSerializer.SerializeToUtf8Bytes(batch, DashboardJsonContext.Default.AgentBatch);
            var gzip = new MemoryStream();
            using (var zip = new GZipStream(gzip, CompressionLevel.Fastest))
            {
                zip.Write(json);
            }

            var perPush = new NormalizedBatch(batch).Count;
            var rate = agents * perPush / options.Interval.TotalSeconds;
            offered += rate;
            rows.Add([name, Number(agents), shape, Number(perPush), Number(json.Length / 1024.0), Number(gzip.ToArray().Length / 1024.0), Number(rate)]);
        }

        report.Table(["agent", "count", "batch", "rows/push", "JSON KiB", "gzip KiB", "offered rows/s"], rows);
        report.Line($"\nOffered load at one push per {options.Interval.TotalSeconds:F0} s: **{Number(offered)} rows/s**. Bodies sent {(options.Gzip ? "gzip-compressed" : "as plain JSON")}.");
    }

    private static void PhaseTable(LoadgenReport report, IEnumerable<PhaseRun> phases) =>
        report.Table(["phase", "pushes", "errors", "late", "rows", "rows/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "client prep ms", "cores .NET + PG", "other processes' cores", "CPU µs/row"],
            phases.Select(p => (IReadOnlyList<string>)
            [
                p.Stats.Name, Number(p.Stats.Pushes), p.Stats.Errors, Number(p.Stats.Late), Number(p.Stats.Rows), Number(p.Stats.RowsPerSecond),
                Number(p.Stats.LatencyMs(50), 1), Number(p.Stats.LatencyMs(95), 1), Number(p.Stats.LatencyMs(99), 1), Number(p.Stats.LatencyMs(100), 1),
                Number(p.Stats.MeanPrepareMs, 2), p.Cores, p.OtherCores, Number(p.CpuMicrosecondsPerRow, 1),
            ]));

    private static async Task RunQueryAsync(LoadServer server, LoadgenOptions options, LoadgenReport report, string director, CancellationToken ct)
    {
        await Section(report, $"Chart queries: 1 h to 30 d of one VIP × {options.RealServers} real servers and of a {options.Rules:N0}-rule node's drops", async () =>
        {
            var result = await QueryBenchmark.RunAsync(server, director, options, ct);
            report.Line($"{Number(result.RawPushes)} pushes each of a {options.Vips} × {options.RealServers} director and a {options.Rules:N0}-rule node through the "
                + $"server's writer (2 h), then {Number(result.MinuteFrames)} one-minute frames (2 days) and {Number(result.HourFrames)} one-hour frames (31 days), "
                + $"in {result.Load.TotalSeconds:F0} s. Each range over HTTP with a reader token, {options.QueryRuns} timed runs after 3 warm-up runs. "
                + $"Load average now: {LoadAverage()}.\n");
            report.Table(["query", "served from", "points", "runs", "p50 ms", "p95 ms", "max ms"],
                result.Timings.Select(t => (IReadOnlyList<string>)
                [
                    t.Query, t.ServedFrom, Number(t.Points), Number(t.Milliseconds.Count), Number(t.Percentile(50), 1), Number(t.Percentile(95), 1),
                    Number(t.Percentile(100), 1),
                ]));
            var worst = result.Timings.MaxBy(t => t.Percentile(95))!;
            report.Line($"\nGoal p95 < 200 ms for every range: {Met(worst.Percentile(95) < 200)} (slowest: {worst.Query}, {Number(worst.Percentile(95), 1)} ms).");
        });
    }

    private static string Met(bool met) => met ? "yes" : "**no**";
}
