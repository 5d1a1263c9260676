using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
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
        report.Line($"Command: `dotnet run -c Release --project tests/Dashboard.Benchmarks -- {string.Join(' ', args)}`\n");
        report.Line($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; "
            + $"load average (1/5/15 min) at start {LoadAverage()}.\n");

        await using var server = await LoadServer.StartAsync(options.Connection, throwaway: false, ct);
        await DescribeServerAsync(server, report, ct);
        try
        {
            if (!options.QueryOnly)
            {
                await RunIngestAsync(server, options, report, ct);
            }

            if (options.QueryOnly)
            {
                await RunQueryAsync(server, options, report, "querybench-dr-01", ct);
            }
            else if (options.Query)
            {
                // A database of its own, so a day of rollups is not rebuilt over the millions of rows the load phases left.
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

        using var client = server.CreateClient();
        var postmaster = server.PostmasterProcessId;
        var phases = new List<(PhaseStats Stats, string Cores)>();
        var cpu = CpuSample.Take(postmaster);
        var warm = await SteadyPhase.WarmUpAsync(fleet, client, options.Gzip, 8, ct);
        phases.Add((warm, CpuSample.Take(postmaster).CoresSince(cpu)));

        cpu = CpuSample.Take(postmaster);
        var steady = await SteadyPhase.RunAsync(fleet, client, options.Interval, options.Duration, options.Gzip, ct);
        phases.Add((steady, CpuSample.Take(postmaster).CoresSince(cpu)));
        report.Heading($"Steady: {fleet.Agents.Count} agents, one push each per {options.Interval.TotalSeconds:F0} s, {options.Duration.TotalSeconds:F0} s");
        report.Line($"{options.Directors} directors, {options.Hypervisors} hypervisors, {options.NsxHosts} NSX hosts; random start offsets; "
            + $"latency = request sent → 200 with status \"stored\" (the batch is committed). Load average after: {LoadAverage()}.\n");
        PhaseTable(report, phases);

        var sweep = new List<(PhaseStats Stats, string Cores)>();
        foreach (var concurrency in options.Concurrency)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            cpu = CpuSample.Take(postmaster);
            var stats = await SaturationPhase.RunAsync(fleet, client, concurrency, options.SaturationDuration, options.Gzip, ct);
            sweep.Add((stats, CpuSample.Take(postmaster).CoresSince(cpu)));
            Console.WriteLine($"  C = {concurrency}: {Number(stats.RowsPerSecond)} rows/s, p99 {Number(stats.LatencyMs(99), 1)} ms");
        }

        report.Heading($"Saturation: closed loop, {options.SaturationDuration.TotalSeconds:F0} s per step");
        report.Line($"C pushers, each cycling through its share of the same {fleet.Agents.Count} agents (same mix), next push as soon as the last is answered. "
            + $"Load average after: {LoadAverage()}.\n");
        PhaseTable(report, sweep);
        var best = sweep.MaxBy(s => s.Stats.RowsPerSecond).Stats;
        var knee = sweep.Zip(sweep.Skip(1)).FirstOrDefault(p => p.Second.Stats.RowsPerSecond < p.First.Stats.RowsPerSecond * 1.05).First.Stats ?? best;
        report.Line($"\nSaturation point: rows/s stops growing (< 5 % more) after **{knee.Name}**; best {Number(best.RowsPerSecond)} rows/s at {best.Name}.");

        await ReportRollupPassAsync(server, report, ct);

        report.Heading("Baselines: the same rows, other ways in");
        var rows = await BaselineRows.CreateAsync(fleet, server.DataSource, ct);
        var copy = await CopyBaseline.RunAsync(server.ConnectionString, rows, options.CopyRows, ct);
        var insert = await InsertBaseline.RunAsync(server.DataSource, rows, options.InsertRows, options.InsertLimit, ct);
        var ours = new BaselineResult($"ours: HTTP + JSON + binary COPY, best step ({best.Name})", best.Rows, best.Wall);
        var copyBoth = copy[^1];
        report.Line("Raw COPY gets half its rows from the directors' real-server samples and half from the hypervisors' rule counters, "
            + "written as COPY text files beforehand (file writing not timed); ours also writes service, NSX and journal rows and answers HTTP.\n");
        report.Table(["method", "rows", "seconds", "rows/s", "ours ÷ this"],
            new[] { ours }.Concat(copy).Append(insert).Select(b => (IReadOnlyList<string>)
            [
                b.Method, Number(b.Rows), Number(b.Elapsed.TotalSeconds, 2), Number(b.RowsPerSecond),
                ReferenceEquals(b, ours) ? "1" : Number(ours.RowsPerSecond / b.RowsPerSecond, 2),
            ]));
        var p99 = steady.LatencyMs(99);
        report.Line("");
        report.Table(["goal", "target", "measured", "met"],
        [
            ["share of raw COPY throughput", "≥ 50 %", $"{Number(100 * ours.RowsPerSecond / copyBoth.RowsPerSecond)} %", Met(ours.RowsPerSecond >= copyBoth.RowsPerSecond / 2)],
            ["speed-up over row-by-row INSERT", "≥ 10×", $"{Number(ours.RowsPerSecond / insert.RowsPerSecond, 1)}×", Met(ours.RowsPerSecond >= 10 * insert.RowsPerSecond)],
            [$"steady ack p99 at {fleet.Agents.Count} agents", "< 250 ms", $"{Number(p99, 1)} ms", Met(p99 < 250)],
        ]);

        report.Heading("Where a push's time goes (one batch at a time, idle server)");
        var probe = await ServerCostProbe.RunAsync(server, options, hostPrefix, ct);
        report.Table(["step", "ms per batch", "note"], probe.Select(p => (IReadOnlyList<string>)[p.Step, Number(p.Milliseconds, 2), p.Note]));
    }

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

            var perPush = IpvsSampleWriter.CountRows(batch.Ipvs) + IptablesSampleWriter.CountRows(batch.Iptables) + NsxSampleWriter.CountRows(batch.Nsx)
                + KeepalivedStateWriter.CountRows(batch.Keepalived);
            var rate = agents * perPush / options.Interval.TotalSeconds;
            offered += rate;
            rows.Add([name, Number(agents), shape, Number(perPush), Number(json.Length / 1024.0), Number(gzip.ToArray().Length / 1024.0), Number(rate)]);
        }

        report.Table(["agent", "count", "batch", "rows/push", "JSON KiB", "gzip KiB", "offered rows/s"], rows);
        report.Line($"\nOffered load at one push per {options.Interval.TotalSeconds:F0} s: **{Number(offered)} rows/s**. Bodies sent {(options.Gzip ? "gzip-compressed" : "as plain JSON")}.");
    }

    private static void PhaseTable(LoadgenReport report, IEnumerable<(PhaseStats Stats, string Cores)> phases) =>
        report.Table(["phase", "pushes", "errors", "late", "rows", "rows/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "client prep ms", "cores .NET + PG"],
            phases.Select(p => (IReadOnlyList<string>)
            [
                p.Stats.Name, Number(p.Stats.Pushes), p.Stats.Errors, Number(p.Stats.Late), Number(p.Stats.Rows), Number(p.Stats.RowsPerSecond),
                Number(p.Stats.LatencyMs(50), 1), Number(p.Stats.LatencyMs(95), 1), Number(p.Stats.LatencyMs(99), 1), Number(p.Stats.LatencyMs(100), 1),
                Number(p.Stats.MeanPrepareMs, 2), p.Cores,
            ]));

    /// <summary>The maintenance service rebuilds the trailing rollup window every 30 s; at fleet scale that window is large.</summary>
    private static async Task ReportRollupPassAsync(LoadServer server, LoadgenReport report, CancellationToken ct)
    {
        await using (var conn = await server.DataSource.OpenConnectionAsync(ct))
        {
            const string window = """
                select (select count(*) from ipvs_rs_samples where collected_at >= now() - interval '15 minutes')
                     + (select count(*) from iptables_rule_samples where collected_at >= now() - interval '15 minutes')
                     + (select count(*) from nsx_filter_samples where collected_at >= now() - interval '15 minutes')
                """;
            var rows = await conn.ExecuteScalarAsync<long>(new CommandDefinition(window, cancellationToken: ct));
            var watch = Stopwatch.StartNew();
            var pass = await new RollupBuilder(TimeProvider.System).RunAsync(server.DataSource, ct);
            report.Line($"\nOne rollup pass (RollupBuilder, as StorageMaintenanceService runs every {StorageMaintenanceService.RollupInterval.TotalSeconds:F0} s) "
                + $"over the load data: {watch.Elapsed.TotalSeconds:F1} s, {Number(pass.Rows)} rollup rows; {Number(rows)} raw rows in the last 15 minutes "
                + "(the iptables and NSX passes re-read 10 minutes before their window for the counter deltas).");
        }
    }

    private static async Task RunQueryAsync(LoadServer server, LoadgenOptions options, LoadgenReport report, string director, CancellationToken ct)
    {
        var result = await QueryBenchmark.RunAsync(server, director, options.RealServers, options.QueryRuns, ct);
        report.Heading($"Series query: 24 h of one VIP × {options.RealServers} real servers at 5 s");
        report.Line($"{Number(result.Rows)} rows loaded by binary COPY in {result.Load.TotalSeconds:F1} s; one RollupBuilder pass over them "
            + $"{result.Rollup.TotalSeconds:F1} s ({Number(result.RollupRows)} rollup rows). "
            + $"`GET /api/v1/vips/{{director}}/series?virtual=…&from=…&to=…` with a reader token, {options.QueryRuns} timed runs after 3 warm-up runs; "
            + $"raw SQL baselines timed {result.Timings[^1].Milliseconds.Count} times, connection from the pool included. Load average now: {LoadAverage()}.\n");
        report.Table(["query", "served from", "points", "runs", "p50 ms", "p95 ms", "max ms"],
            result.Timings.Select(t => (IReadOnlyList<string>)
            [
                t.Query, t.ServedFrom, Number(t.Points), Number(t.Milliseconds.Count), Number(t.Percentile(50), 1), Number(t.Percentile(95), 1),
                Number(t.Percentile(100), 1),
            ]));
        var day = result.Timings[0];
        report.Line($"\nGoal p95 < 200 ms for the 24 h range: {Met(day.Percentile(95) < 200)} ({Number(day.Percentile(95), 1)} ms).");
    }

    private static string Met(bool met) => met ? "yes" : "**no**";
}
