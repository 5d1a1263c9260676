using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// Where one push's time goes inside the server, measured one batch at a time (median of repeats): JSON, the writer per
/// batch kind, the live store, and the per-row statements a one-statement version would replace (timed side by side).
/// </summary>
public static class ServerCostProbe
{
    private const int Repeats = 10;

    public static async Task<IReadOnlyList<(string Step, double Milliseconds, string Note)>> RunAsync(LoadServer server, LoadgenOptions options,
        string hostPrefix, CancellationToken ct)
    {
        var writer = server.Services.GetRequiredService<BatchWriter>();
        var live = server.Services.GetRequiredService<LiveStore>();
        var results = new List<(string, double, string)>();
        var kinds = new (string Name, IPayloadSource Payload, string FirstBatch)[]
        {
            ("director", new DirectorPayload(990, options.Vips, options.RealServers), "new host and VRRP rows"),
            ("hypervisor", new HypervisorPayload(990, options.Rules), $"{options.Rules:N0} rule ids resolved in one unnest upsert"),
            ("nsx", new NsxPayload(990, options.Filters), $"{options.Filters} filter ids resolved, one upsert each"),
        };
        foreach (var (name, payload, firstBatch) in kinds)
        {
            var host = $"{hostPrefix}probe-{name}";
            var sample = payload.Next(host, 1, DateTimeOffset.UtcNow);
            var json = JsonSerializer.SerializeToUtf8Bytes(sample, DashboardJsonContext.Default.AgentBatch);
            results.Add(($"{name}: JSON deserialize ({json.Length / 1024} KiB)",
                Time(() => JsonSerializer.Deserialize(json, DashboardJsonContext.Default.AgentBatch), Repeats * 2), "what IngestApi does per body"));

            var origin = new BatchOrigin($"probe-{name}", payload.Role, BatchOrigin.AgentSource);
            var cold = await TimeAsync(() => writer.WriteAsync(sample, origin, ct), 1);
            results.Add(($"{name}: BatchWriter, first batch of a host", cold, firstBatch));
            var sequence = 1L;
            var warm = await TimeAsync(() => writer.WriteAsync(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), origin, ct), Repeats);
            var written = (await writer.WriteAsync(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), origin, ct)).Rows;
            results.Add(($"{name}: BatchWriter, steady batch ({written} rows)", warm, $"{written / warm * 1000:N0} rows/s on one connection"));
            // The live store keeps what it is given, and a payload source reuses its batch: each apply gets a copy of its own, made before the timing.
            var copies = new Queue<AgentBatch>(Enumerable.Range(0, Repeats + 1).Select(_ => JsonSerializer.Deserialize(
                JsonSerializer.SerializeToUtf8Bytes(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), DashboardJsonContext.Default.AgentBatch),
                DashboardJsonContext.Default.AgentBatch)!));
            results.Add(($"{name}: LiveStore.Apply", Time(() => live.Apply(copies.Dequeue(), payload.Role, DateTimeOffset.UtcNow), Repeats),
                "live snapshot and rates, after the commit"));
        }

        await ProbeNeutronPortsAsync(server, writer, options, hostPrefix, results, ct);
        await ProbeHealthChecksAsync(server, writer, options, hostPrefix, results, ct);
        return results;
    }

    private static async Task InRolledBackTransactionAsync(LoadServer server, Func<NpgsqlConnection, Task> work, CancellationToken ct)
    {
        await using var conn = await server.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await work(conn);
        await tx.RollbackAsync(ct);
    }

    /// <summary>The writer upserts neutron_ports one statement per port on every push, though ports rarely change.</summary>
    private static async Task ProbeNeutronPortsAsync(LoadServer server, BatchWriter writer, LoadgenOptions options, string hostPrefix,
        List<(string, double, string)> results, CancellationToken ct)
    {
        var payload = new HypervisorPayload(991, options.Rules);
        var host = $"{hostPrefix}probe-ports";
        var origin = new BatchOrigin("probe-ports", payload.Role, BatchOrigin.AgentSource);
        var sequence = 0L;
        await writer.WriteAsync(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), origin, ct);
        var ports = payload.Next(host, 1, DateTimeOffset.UtcNow).Iptables![0].NeutronPorts;
        var (with, without) = await TimePairAsync(() => writer.WriteAsync(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), origin, ct), () =>
        {
            var batch = payload.Next(host, ++sequence, DateTimeOffset.UtcNow);
            batch.Iptables![0].NeutronPorts = [];
            return writer.WriteAsync(batch, origin, ct);
        });
        results.Add(($"hypervisor: steady batch with its {ports.Count} Neutron ports", with, "as pushed"));
        results.Add(("hypervisor: same batch, ports left out", without, $"{with - without:N1} ms of each push is the per-port upserts"));

        var pairs = ports.Select(p => JsonSerializer.Serialize(p.AllowedPairs, DashboardJsonContext.Default.ListNeutronAllowedPair)).ToArray();
        var oneStatement = await TimeAsync(async () =>
        {
            await using var conn = await server.DataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            const string upsert = """
                insert into neutron_ports (host, namespace, port, device, allowed_pairs, last_seen)
                select @host, '', p.port, p.device, p.pairs::jsonb, @at
                from unnest(@ports, @devices, @pairs) as p(port, device, pairs)
                on conflict (host, namespace, port) do update set
                    device = excluded.device, allowed_pairs = excluded.allowed_pairs, last_seen = excluded.last_seen
                """;
            await conn.ExecuteAsync(new CommandDefinition(upsert, new
            {
                host, at = DateTimeOffset.UtcNow, ports = ports.Select(p => p.Port).ToArray(), devices = ports.Select(p => p.Device).ToArray(), pairs,
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }, Repeats);
        results.Add(($"fix estimate: the {ports.Count} ports in one unnest upsert", oneStatement, "its own transaction; 0 if unchanged ports were skipped"));
    }

    /// <summary>What keepalived's health-check state adds to a director's batch (all real servers in one unnest upsert).</summary>
    private static async Task ProbeHealthChecksAsync(LoadServer server, BatchWriter writer, LoadgenOptions options, string hostPrefix,
        List<(string, double, string)> results, CancellationToken ct)
    {
        async Task<(double Ms, int Checks)> SteadyBatchAsync(bool withHealthChecks, string name)
        {
            var payload = new DirectorPayload(992, options.Vips, options.RealServers, withHealthChecks);
            var host = $"{hostPrefix}{name}";
            var origin = new BatchOrigin(name, payload.Role, BatchOrigin.AgentSource);
            var sequence = 0L;
            await writer.WriteAsync(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), origin, ct);
            var checks = payload.Next(host, 1, DateTimeOffset.UtcNow).Keepalived?.RealServers.Count ?? 0;
            return (await TimeAsync(() => writer.WriteAsync(payload.Next(host, ++sequence, DateTimeOffset.UtcNow), origin, ct), Repeats), checks);
        }

        var with = await SteadyBatchAsync(withHealthChecks: true, "probe-keepalived");
        var without = await SteadyBatchAsync(withHealthChecks: false, "probe-no-keepalived");
        results.Add(($"director with keepalived health checks of its {with.Checks} real servers", with.Ms, "not in the load mix; one unnest upsert for all of them"));
        results.Add(("the same director without health checks", without.Ms, $"{with.Ms - without.Ms:F1} ms of each push is the health checks"));
    }

    // Medians, not means: other work on the machine lands on single repeats, and one stall would move a mean.
    private static double Time(Action action, int repeats)
    {
        action();
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return Median(times);
    }

    private static async Task<double> TimeAsync(Func<Task> action, int repeats)
    {
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return Median(times);
    }

    /// <summary>Two variants run in turn, so load that comes and goes on the machine falls on both alike.</summary>
    private static async Task<(double First, double Second)> TimePairAsync(Func<Task> first, Func<Task> second)
    {
        var a = new double[Repeats];
        var b = new double[Repeats];
        for (var i = 0; i < Repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await first();
            a[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            await second();
            b[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return (Median(a), Median(b));
    }

    private static double Median(double[] times)
    {
        Array.Sort(times);
        return times.Length % 2 == 1 ? times[times.Length / 2] : (times[times.Length / 2 - 1] + times[times.Length / 2]) / 2;
    }
}
