using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Nsx;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Tests.Storage;

/// <summary>
/// Rollups folded from committed batches and written from memory: the same rows as aggregates of the raw rows, minutes
/// with batches not folded here left to the raw-reading pass, and minutes written from memory not read again.
/// </summary>
public sealed class StreamingRollupsTests(PostgresDatabaseFixture fixture) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private static readonly BatchOrigin s_agent = new("test", "director", BatchOrigin.AgentSource);
    private readonly ManualClock _clock = new(new DateTimeOffset(2032, 7, 1, 0, 0, 0, TimeSpan.Zero));
    private DashboardDatabase _database = null!;
    private BatchWriter _writer = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = fixture.ConnectionString })
            .Build();
        var options = new DashboardOptions();
        var partitions = new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), _clock, NullLogger<PartitionMaintenance>.Instance);
        _database = new DashboardDatabase(configuration, Options.Create(options), partitions, NullLoggerFactory.Instance);
        await _database.StartingAsync(TestTimeout.Token());
        _writer = new BatchWriter(_database, new DimensionIdCache(_clock), new ServerInstance());
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("delete from rollup_watermarks; delete from rollup_pending");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task FlushSettled_FiveMinutesOfDirectorHypervisorAndNsx_WritesTheAggregatesOfTheRawRows()
    {
        // Arrange: a director, a compute node whose drop counter resets in minute 2 and whose probe rule is absent for three
        // minutes (its next delta starts over), and an ESXi host whose state-mismatch counter appears in minute 1.
        var t0 = NextHour();
        var streaming = new StreamingRollups(_clock, NullLogger<StreamingRollups>.Instance, TimeSpan.Zero);
        var written = await PlayFiveMinutesAsync(streaming, t0, async (minute, i, at, n) =>
        {
            await CommitAsync(streaming, TestBatches.Director("stream-lvs", n + 1, at, synRecv: n % 7, established: 100 + (n * 3 % 11)));
            await CommitAsync(streaming, Hypervisor("stream-cn", n + 1, at, drops: minute == 2 && i == 6 ? 3UL : (ulong)(n * 40), probe: minute is 0 or 4 ? (ulong)(1000 + n) : null));
            await CommitAsync(streaming, Esxi("stream-esxi", n + 1, at, mismatch: minute == 0 ? null : (ulong)(n * n)));
        });

        // Assert
        Assert.Equal(Enumerable.Range(0, 5).Select(m => t0.AddMinutes(m)), written);
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        Assert.Equal(10, await conn.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_rollup_1m where director = 'stream-lvs'"));
        Assert.Empty(await conn.QueryAsync<string>(IpvsMismatches, new { director = "stream-lvs" }));
        var ruleIds = (await conn.QueryAsync<long>("select id from iptables_rules where host = 'stream-cn'")).ToArray();
        Assert.Equal(4, ruleIds.Length);
        Assert.Equal(5 + 5 + 5 + 2, await conn.ExecuteScalarAsync<long>("select count(*) from iptables_rule_rollup_1m where rule_id = any(@ruleIds)", new { ruleIds }));
        Assert.Empty(await conn.QueryAsync<string>(RuleMismatches, new { ruleIds }));
        var probe = await conn.QueryAsync<long>("""
            select r.packets_delta from iptables_rule_rollup_1m r join iptables_rules d on d.id = r.rule_id
            where d.identity = 'probe' and d.host = 'stream-cn' order by r.bucket
            """);
        Assert.Equal([11L, 11L], probe);
        var filterIds = (await conn.QueryAsync<long>("select id from nsx_filters where host = 'stream-esxi'")).ToArray();
        Assert.Empty(await conn.QueryAsync<string>(NsxMismatches, new { filterIds }));
        Assert.Equal(4, await conn.ExecuteScalarAsync<long>("select count(*) from nsx_filter_rollup_1m where filter_id = any(@filterIds) and reason = 'state-mismatch'", new { filterIds }));
    }

    [Fact]
    public async Task FlushSettled_ABatchNotFoldedHere_LeavesItsMinuteAndTheTwoAfterToTheRawRows()
    {
        // Arrange: minute 1 holds one batch another instance committed.
        var t0 = NextHour();
        var streaming = new StreamingRollups(_clock, NullLogger<StreamingRollups>.Instance, TimeSpan.Zero);
        var written = await PlayFiveMinutesAsync(streaming, t0,
            (minute, i, at, n) => CommitAsync(streaming, Hypervisor("elsewhere-cn", n + 1, at, drops: (ulong)(n * 10), probe: null), fold: !(minute == 1 && i == 4)),
            flushed: minute => Assert.False(streaming.Owns(t0.AddMinutes(minute))));

        // Act: the raw-reading pass rolls what was left to it.
        await new RollupBuilder(_clock, streaming).RunAsync(_database.DataSource, TestTimeout.Token());

        // Assert: only minutes 0 and 4 came from memory; every minute equals the raw rows.
        Assert.Equal([t0, t0.AddMinutes(4)], written);
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        var ruleIds = (await conn.QueryAsync<long>("select id from iptables_rules where host = 'elsewhere-cn'")).ToArray();
        Assert.Equal(5 * 3, await conn.ExecuteScalarAsync<long>("select count(*) from iptables_rule_rollup_1m where rule_id = any(@ruleIds)", new { ruleIds }));
        Assert.Empty(await conn.QueryAsync<string>(RuleMismatches, new { ruleIds }));
    }

    [Fact]
    public async Task RollupBuilderRun_MinuteWrittenFromMemory_IsNotReadAgainUntilALateBatchArrives()
    {
        // Arrange: one minute of a director written from memory, then its raw rows changed behind the rollup's back.
        var t0 = NextHour();
        var streaming = new StreamingRollups(_clock, NullLogger<StreamingRollups>.Instance, TimeSpan.Zero);
        var builder = new RollupBuilder(_clock, streaming);
        _clock.Set(t0.AddSeconds(-30));
        await builder.RunAsync(_database.DataSource, TestTimeout.Token());
        for (var i = 0; i < 12; i++)
        {
            await CommitAsync(streaming, TestBatches.Director("late-lvs", i + 1, t0.AddSeconds(5 * i), synRecv: 1, established: 50));
        }

        _clock.Set(t0.AddMinutes(1) + RollupBuilder.Settle);
        Assert.Equal([t0], await streaming.FlushSettledAsync(_database.DataSource, TestTimeout.Token()));
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("update ipvs_rs_samples set connections = 999 where director = 'late-lvs'");

        // Act 1: the raw-reading pass sees the minute's batches as new, and leaves them alone.
        await builder.RunAsync(_database.DataSource, TestTimeout.Token());
        var untouched = await conn.ExecuteScalarAsync<long>("select max(connections_max) from ipvs_rs_rollup_1m where director = 'late-lvs'");

        // Act 2: a late batch of that minute (a replayed spool) is not folded and makes the pass read the minute again.
        var late = new BatchRows(TestBatches.Director("late-lvs", 100, t0.AddSeconds(58), synRecv: 1, established: 70));
        await _writer.WriteAsync(late, s_agent, TestTimeout.Token());
        streaming.Add(late);
        await builder.RunAsync(_database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Equal(51, untouched);
        Assert.Equal(999, await conn.ExecuteScalarAsync<long>("select max(connections_max) from ipvs_rs_rollup_1m where director = 'late-lvs'"));
        Assert.Equal(13, await conn.ExecuteScalarAsync<long>("select max(samples) from ipvs_rs_rollup_1m where director = 'late-lvs'"));
    }

    [Fact]
    public async Task FlushSettled_ABatchOlderThanItsHostsLast_LeavesTheMinuteToTheRawRows()
    {
        // Arrange: the second batch was collected before the first (an agent's clock stepped back).
        var t0 = NextHour();
        var streaming = new StreamingRollups(_clock, NullLogger<StreamingRollups>.Instance, TimeSpan.Zero);
        await CommitAsync(streaming, TestBatches.Director("stepped-lvs", 1, t0.AddSeconds(30), synRecv: 0, established: 10));
        await CommitAsync(streaming, TestBatches.Director("stepped-lvs", 2, t0.AddSeconds(20), synRecv: 0, established: 20));
        Assert.True(streaming.Owns(t0));

        // Act
        _clock.Set(t0.AddMinutes(1) + RollupBuilder.Settle);
        var written = await streaming.FlushSettledAsync(_database.DataSource, TestTimeout.Token());
        await new RollupBuilder(_clock, streaming).RunAsync(_database.DataSource, TestTimeout.Token());

        // Assert: nothing from memory, and the raw-reading pass counted both batches.
        Assert.Empty(written);
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        Assert.Equal([2], await conn.QueryAsync<int>("select distinct samples from ipvs_rs_rollup_1m where director = 'stepped-lvs'"));
    }

    [Fact]
    public async Task FlushSettled_MinutesLargerThanOneStatement_WriteEveryRowOnce()
    {
        // Arrange: 4,500 real servers, more than one insert statement takes, so each minute ends with a part-filled one;
        // the second minute is sized from the first.
        var t0 = NextHour();
        var streaming = new StreamingRollups(_clock, NullLogger<StreamingRollups>.Instance, TimeSpan.Zero);
        var servers = Enumerable.Range(0, 4500).Select(i => $"10.9.{i / 250}.{i % 250 + 1}:10051").ToArray();
        var written = new List<DateTimeOffset>();

        // Act
        for (var minute = 0; minute < 2; minute++)
        {
            for (var i = 0; i < 2; i++)
            {
                var n = (minute * 2) + i;
                await CommitAsync(streaming, TestBatches.Director("wide-lvs", n + 1, t0.AddMinutes(minute).AddSeconds(20 * i), synRecv: n, established: 10 + (3 * n), realServers: servers));
            }

            _clock.Set(t0.AddMinutes(minute + 1) + RollupBuilder.Settle);
            written.AddRange(await streaming.FlushSettledAsync(_database.DataSource, TestTimeout.Token()));
        }

        // Assert
        Assert.Equal([t0, t0.AddMinutes(1)], written);
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        Assert.Equal(2 * 4500, await conn.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_rollup_1m where director = 'wide-lvs'"));
        Assert.Empty(await conn.QueryAsync<string>(IpvsMismatches, new { director = "wide-lvs" }));
    }

    /// <summary>Each test rolls its own hour: the journal is shared by the class, and counts of another test's minutes must not mix in.</summary>
    private DateTimeOffset NextHour()
    {
        var next = new DateTimeOffset(_clock.GetUtcNow().UtcTicks - (_clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(s_hours++);
        _clock.Set(next);
        return next;
    }

    private static int s_hours = 1;

    /// <summary>Five minutes of batches every 5 s (<paramref name="push"/> gets minute, index in it, time, running count), each minute flushed once settled.</summary>
    private async Task<List<DateTimeOffset>> PlayFiveMinutesAsync(StreamingRollups streaming, DateTimeOffset t0,
        Func<int, int, DateTimeOffset, int, Task> push, Action<int>? flushed = null)
    {
        var written = new List<DateTimeOffset>();
        for (var minute = 0; minute < 5; minute++)
        {
            for (var i = 0; i < 12; i++)
            {
                await push(minute, i, t0.AddMinutes(minute).AddSeconds(5 * i), (minute * 12) + i);
            }

            _clock.Set(t0.AddMinutes(minute + 1) + RollupBuilder.Settle);
            written.AddRange(await streaming.FlushSettledAsync(_database.DataSource, TestTimeout.Token()));
            flushed?.Invoke(minute);
        }

        return written;
    }

    private async Task CommitAsync(StreamingRollups streaming, AgentBatch batch, bool fold = true)
    {
        var rows = new BatchRows(batch);
        var result = await _writer.WriteAsync(rows, s_agent, TestTimeout.Token());
        Assert.Equal(WriteStatus.Stored, result.Status);
        if (fold)
        {
            streaming.Add(rows);
        }
    }

    private static AgentBatch Hypervisor(string host, long sequence, DateTimeOffset at, ulong drops, ulong? probe)
    {
        var batch = TestBatches.Hypervisor(host, sequence, at, drops);
        if (probe is { } packets)
        {
            batch.Iptables![0].Tables[0].Chains[0].Rules.Add(new IptablesRule
            {
                Index = 1, Packets = packets, Bytes = packets * 100, Target = "ACCEPT", Spec = "-p tcp --dport 9100", Identity = "probe",
            });
        }

        return batch;
    }

    private static AgentBatch Esxi(string host, long sequence, DateTimeOffset at, ulong? mismatch)
    {
        var filter = new NsxFilter { Name = "nic-1300001-eth0-vmware-sfw.2" };
        filter.Counters["pass"] = (ulong)sequence * 1000;
        filter.Counters["drop"] = mismatch ?? 0;
        if (mismatch is { } value)
        {
            filter.Counters["state-mismatch"] = value;
        }

        return new AgentBatch { Host = host, Sequence = sequence, CollectedAt = at, Nsx = new NsxFirewallStats { Filters = [filter] } };
    }

    private const string IpvsMismatches = """
        select coalesce(r.destination, raw.destination) || ' ' || coalesce(r.bucket, raw.bucket)
        from (select * from ipvs_rs_rollup_1m where director = @director) r
        full join (
            select date_trunc('minute', collected_at) as bucket, destination, count(*) as n,
                   avg(connections) as c_avg, max(connections) as c_max, avg(syn_recv) as s_avg, max(syn_recv) as s_max
            from ipvs_rs_samples where director = @director group by 1, 2
        ) raw on raw.bucket = r.bucket and raw.destination = r.destination
        where r.bucket is null or raw.bucket is null
           or r.samples <> raw.n or abs(r.connections_avg - raw.c_avg) > 1e-9 or r.connections_max <> raw.c_max
           or abs(r.syn_recv_avg - raw.s_avg) > 1e-9 or r.syn_recv_max <> raw.s_max
        """;

    /// <summary>Independent of both rollups: a sample's delta counts from the counter's previous sample when that is at most two buckets back.</summary>
    private const string RuleMismatches = """
        select coalesce(r.rule_id, raw.rule_id) || ' ' || coalesce(r.bucket, raw.bucket)
        from (select * from iptables_rule_rollup_1m where rule_id = any(@ruleIds)) r
        full join (
            select bucket, rule_id, (array_agg(packets order by collected_at desc))[1] as p_last, (array_agg(bytes order by collected_at desc))[1] as b_last,
                   sum(case when prev_p is null or prev_bucket < bucket - interval '2 minutes' then 0 when packets >= prev_p then packets - prev_p else packets end) as p_delta,
                   sum(case when prev_b is null or prev_bucket < bucket - interval '2 minutes' then 0 when bytes >= prev_b then bytes - prev_b else bytes end) as b_delta
            from (
                select rule_id, collected_at, packets, bytes, date_trunc('minute', collected_at) as bucket,
                       lag(packets) over w as prev_p, lag(bytes) over w as prev_b, date_trunc('minute', lag(collected_at) over w) as prev_bucket
                from iptables_rule_samples where rule_id = any(@ruleIds)
                window w as (partition by rule_id order by collected_at)
            ) s
            group by 1, 2
        ) raw on raw.bucket = r.bucket and raw.rule_id = r.rule_id
        where r.bucket is null or raw.bucket is null
           or r.packets_last <> raw.p_last or r.bytes_last <> raw.b_last or r.packets_delta <> raw.p_delta or r.bytes_delta <> raw.b_delta
        """;

    private const string NsxMismatches = """
        select coalesce(r.filter_id, raw.filter_id) || ' ' || coalesce(r.reason, raw.reason) || ' ' || coalesce(r.bucket, raw.bucket)
        from (select * from nsx_filter_rollup_1m where filter_id = any(@filterIds)) r
        full join (
            select bucket, filter_id, reason, (array_agg(value order by collected_at desc))[1] as v_last,
                   sum(case when prev is null or prev_bucket < bucket - interval '2 minutes' then 0 when value >= prev then value - prev else value end) as delta
            from (
                select filter_id, reason, collected_at, value, date_trunc('minute', collected_at) as bucket,
                       lag(value) over w as prev, date_trunc('minute', lag(collected_at) over w) as prev_bucket
                from nsx_filter_samples where filter_id = any(@filterIds)
                window w as (partition by filter_id, reason order by collected_at)
            ) s
            group by 1, 2, 3
        ) raw on raw.bucket = r.bucket and raw.filter_id = r.filter_id and raw.reason = r.reason
        where r.bucket is null or raw.bucket is null or r.value_last <> raw.v_last or r.delta <> raw.delta
        """;
}
