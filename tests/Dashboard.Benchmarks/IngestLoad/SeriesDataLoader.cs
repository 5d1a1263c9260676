using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Dashboard.Server.Storage.Frames;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// History as a chart reads it: a director of the reference shape and a compute node of 2,000 rules, each with every push of
/// the last hours through the server's own writer, then one-minute frames for days and one-hour frames for a month written
/// by the server's own frame writer from the same payloads' numbers (rolling a month of raw pushes would take hours here).
/// </summary>
public static class SeriesDataLoader
{
    public sealed record Loaded(long RawPushes, long MinuteFrames, long HourFrames, string Vip);

    public static async Task<Loaded> LoadAsync(LoadServer server, string director, string hypervisor, LoadgenOptions options, DateTimeOffset to,
        TimeSpan rawSpan, TimeSpan minuteSpan, TimeSpan hourSpan, CancellationToken ct)
    {
        var writer = server.Services.GetRequiredService<BatchWriter>();
        var frames = server.Services.GetRequiredService<FrameWriter>();
        var directorPayload = new DirectorPayload(4242, options.Vips, options.RealServers);
        var hypervisorPayload = new HypervisorPayload(4243, options.Rules);
        long pushes = 0;
        var step = options.Interval;
        for (var at = to - rawSpan; at < to; at += step)
        {
            pushes++;
            await writer.WriteAsync(new NormalizedBatch(directorPayload.Next(director, pushes, at)), new BatchOrigin("querybench", "director", BatchOrigin.AgentSource), ct);
            await writer.WriteAsync(new NormalizedBatch(hypervisorPayload.Next(hypervisor, pushes, at)), new BatchOrigin("querybench", "hypervisor", BatchOrigin.AgentSource), ct);
        }

        await using var conn = await server.DataSource.OpenConnectionAsync(ct);
        var reader = new FrameReader();
        var last = await reader.ReadAtAsync(conn, director, to - step, ct);
        var realServers = last.Single(f => f.Data.Kind == FrameKind.IpvsRealServers).Data;
        var rules = (await reader.ReadAtAsync(conn, hypervisor, to - step, ct)).Single(f => f.Data.Kind == FrameKind.IptablesRules).Data;
        var vip = await conn.ExecuteScalarAsync<string>(new CommandDefinition("select virtual from ipvs_real_servers where id = @id",
            new { id = realServers.Series[0] }, cancellationToken: ct));

        var random = new Random(5);
        var minuteFrames = await WriteRollupsAsync(server, frames, FrameTier.Minute, to - minuteSpan, to - rawSpan, director, hypervisor, realServers, rules, random, ct);
        var hourFrames = await WriteRollupsAsync(server, frames, FrameTier.Hour, to - hourSpan, to - TimeSpan.FromHours(1), director, hypervisor, realServers, rules, random, ct);
        await conn.ExecuteAsync(new CommandDefinition("analyze frames_raw; analyze frames_1m; analyze frames_1h; analyze ipvs_real_servers; analyze iptables_rules",
            cancellationToken: ct));
        return new Loaded(pushes, minuteFrames, hourFrames, vip!);
    }

    /// <summary>One rollup frame per bucket for each host, numbers of the shape the rollup fold gives (samples, sums, maxima; increases).</summary>
    private static async Task<long> WriteRollupsAsync(LoadServer server, FrameWriter frames, FrameTier tier, DateTimeOffset from, DateTimeOffset to,
        string director, string hypervisor, FrameData realServers, FrameData rules, Random random, CancellationToken ct)
    {
        var samples = (long)(tier.Bucket / TimeSpan.FromSeconds(5));
        long written = 0;
        var start = new DateTimeOffset(from.UtcTicks - from.UtcTicks % tier.Bucket.Ticks, TimeSpan.Zero);
        await using var conn = await server.DataSource.OpenConnectionAsync(ct);
        for (var bucket = start; bucket < to; bucket += tier.Bucket)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var pending = new FrameWriter.Pending();
            var n = realServers.Series.Count;
            var connectionsSum = new long?[n];
            var connectionsMax = new long?[n];
            var synSum = new long?[n];
            var synMax = new long?[n];
            var count = new long?[n];
            for (var i = 0; i < n; i++)
            {
                var connections = 50 + random.Next(0, 900);
                count[i] = samples;
                connectionsSum[i] = connections * samples;
                connectionsMax[i] = connections + random.Next(0, 100);
                synSum[i] = random.Next(0, 3) * samples;
                synMax[i] = random.Next(0, 5);
            }

            await frames.WriteRollupAsync(conn, tx, tier, director, bucket,
                new FrameData(FrameKind.IpvsRealServers, FrameFields.IpvsRealServerRollup, realServers.Series, [count, connectionsSum, connectionsMax, synSum, synMax]),
                pending, ct);
            var packets = rules.Series.Select(_ => (long?)(random.Next(0, 10) == 0 ? random.Next(0, 5000) : 0)).ToArray();
            var bytes = packets.Select(p => p * 90).ToArray();
            await frames.WriteRollupAsync(conn, tx, tier, hypervisor, bucket,
                new FrameData(FrameKind.IptablesRules, FrameFields.IptablesRules, rules.Series, [packets, bytes]), pending, ct);
            await tx.CommitAsync(ct);
            frames.Committed(pending);
            written += 2;
        }

        return written;
    }
}
