using System.Runtime.InteropServices;
using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// One-minute rollups worked out from the batches this instance commits, so that a settled minute is written from memory
/// instead of its raw rows being read back: reading a busy fleet's minute back took seconds of the database's time and
/// held up ingest while it ran. A minute is written from here only when the journal holds exactly the batches folded in
/// for it and for the two minutes before (a counter's delta starts from its value in those); any other minute (a batch
/// seen out of order, another instance's batches, the minutes around a restart) is left to <see cref="RollupBuilder"/>,
/// which reads the raw rows and gives the same rows.
/// </summary>
/// <param name="writeSpread">How long writing a minute that is keeping up may take (default half a minute; zero writes at once).</param>
public sealed class StreamingRollups(TimeProvider clock, ILogger<StreamingRollups> logger, TimeSpan? writeSpread = null)
{
    /// <summary>How long minutes written from memory are remembered, so the raw-reading pass knows to leave them alone.</summary>
    private static readonly TimeSpan s_remembered = TimeSpan.FromHours(1);

    /// <summary>A counter's previous sample counts only from these buckets back, as in the raw-reading rollup.</summary>
    private static readonly TimeSpan s_carry = TimeSpan.FromMinutes(2);

    private readonly Lock _lock = new();
    private readonly SortedDictionary<DateTimeOffset, MinuteRollup> _open = [];
    private readonly Dictionary<DateTimeOffset, int> _folded = [];
    private readonly HashSet<DateTimeOffset> _closed = [];
    private readonly Dictionary<DateTimeOffset, int> _written = [];
    private readonly Dictionary<string, DateTimeOffset> _lastOfHost = new(StringComparer.Ordinal);
    private readonly Dictionary<long, CounterTrail> _ruleTrails = [];
    private readonly Dictionary<(long Filter, string Reason), CounterTrail> _nsxTrails = [];
    private MinuteRollup.Sizes _lastSize;

    /// <summary>Folds a committed batch into its minute; a batch older than one already folded for its host is left out.</summary>
    public void Add(BatchRows rows)
    {
        var batch = rows.Batch;
        var bucket = RollupBuilder.Minute(batch.CollectedAt);
        lock (_lock)
        {
            if (_closed.Contains(bucket)
                || (_lastOfHost.TryGetValue(batch.Host, out var last) && batch.CollectedAt <= last)
                || bucket < RollupBuilder.SettledBefore(clock.GetUtcNow()) - s_carry)
            {
                return;
            }

            _lastOfHost[batch.Host] = batch.CollectedAt;
            if (!_open.TryGetValue(bucket, out var minute))
            {
                _open[bucket] = minute = new MinuteRollup(bucket, _open.Count > 0 ? _open.Values.Last().Size : _lastSize);
            }

            minute.Batches++;
            _folded[bucket] = _folded.GetValueOrDefault(bucket) + 1;
            try
            {
                FoldIpvs(minute, batch.Host, rows);
                FoldRules(minute, rows);
                FoldNsx(minute, rows);
            }
            catch (OverflowException)
            {
                // Counted as not folded: this minute and the two after it are left to the raw-reading rollup.
                _folded[bucket]--;
            }
        }
    }

    /// <summary>True while a minute's batches are being folded here and it has not been written or given up yet.</summary>
    public bool Owns(DateTimeOffset bucket)
    {
        lock (_lock)
        {
            return _open.ContainsKey(bucket);
        }
    }

    /// <summary>The minutes among <paramref name="buckets"/> written from memory, with how many batches they held.</summary>
    public IReadOnlyDictionary<DateTimeOffset, int> Written(IEnumerable<DateTimeOffset> buckets)
    {
        lock (_lock)
        {
            return buckets.Where(_written.ContainsKey).Distinct().ToDictionary(b => b, b => _written[b]);
        }
    }

    /// <summary>Writes or gives up every minute that has settled; returns the minutes written.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> FlushSettledAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var settledBefore = RollupBuilder.SettledBefore(clock.GetUtcNow());
        List<DateTimeOffset> due;
        lock (_lock)
        {
            due = _open.Keys.Where(b => b < settledBefore).ToList();
        }

        var written = new List<DateTimeOffset>();
        if (due.Count == 0)
        {
            return written;
        }

        await using var conn = await BackgroundConnection.OpenAsync(dataSource, ct);
        foreach (var bucket in due)
        {
            // A minute keeping up is written at an even pace over the next half minute; a backlog as fast as it goes.
            var spread = due.Count == 1 ? writeSpread ?? DefaultWriteSpread : TimeSpan.Zero;
            if (await TryWriteAsync(conn, bucket, spread, ct) is { } outcome)
            {
                if (outcome)
                {
                    written.Add(bucket);
                }
            }
            else
            {
                break;
            }
        }

        Forget(settledBefore);
        return written;
    }

    /// <summary>True when written, false when given up to the raw-reading rollup, null when another pass holds the rollups.</summary>
    private async Task<bool?> TryWriteAsync(NpgsqlConnection conn, DateTimeOffset bucket, TimeSpan spread, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await RollupBuilder.TryLockAsync(conn, tx, PartitionedTables.Rollups, ct))
        {
            return null;
        }

        MinuteRollup minute;
        Dictionary<DateTimeOffset, int> folded;
        lock (_lock)
        {
            // From here on, batches of this minute are left to the raw-reading rollup.
            _open.Remove(bucket, out minute!);
            _lastSize = minute.Size;
            _closed.Add(bucket);
            folded = Enumerable.Range(0, 3).Select(i => bucket.AddMinutes(-i)).ToDictionary(b => b, b => _folded.GetValueOrDefault(b));
        }

        var counts = await BatchJournal.BatchesPerMinuteAsync(conn, tx, bucket - s_carry, bucket.AddMinutes(1), ct);
        var missed = folded.Where(f => counts.GetValueOrDefault(f.Key) != f.Value).Select(f => f.Key).ToList();
        if (missed.Count > 0)
        {
            logger.LogDebug("Rollup of {Bucket:u} left to the raw rows: batches committed elsewhere or out of order in {Missed}", bucket, string.Join(", ", missed.Select(m => m.ToString("HH:mm"))));
            return false;
        }

        var pace = new RowPace(minute.Ipvs.Count + minute.Rules.Count + minute.NsxCounters.Count, spread);
        // The minute is closed: nothing adds to its tables any more, so they are read without the lock.
        await WriteChunksAsync(conn, tx, minute.Ipvs, IpvsSql, IpvsParameters(minute.Bucket), pace, ct);
        await WriteChunksAsync(conn, tx, minute.Rules, RulesSql, RuleParameters(minute.Bucket), pace, ct);
        await WriteChunksAsync(conn, tx, minute.NsxCounters, NsxSql, NsxParameters(minute.Bucket), pace, ct);
        await tx.CommitAsync(ct);
        logger.LogDebug("Rollup of {Bucket:u} written from {Batches} batches in memory: {Rows} rows in {Elapsed:F0} ms", bucket, minute.Batches,
            pace.Rows, pace.Elapsed.TotalMilliseconds);
        lock (_lock)
        {
            _written[bucket] = minute.Batches;
        }

        return true;
    }

    /// <summary>Rows per statement: small enough that each adds only a few megabytes of WAL ahead of ingest's commits.</summary>
    private const int ChunkRows = 4000;

    /// <summary>Spread over half a minute, a minute's rows add to the WAL at a tenth of ingest's rate instead of in a burst.</summary>
    private static readonly TimeSpan DefaultWriteSpread = TimeSpan.FromSeconds(30);

    private static async Task WriteChunksAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<T> rows, string sql,
        Func<ArraySegment<T>, object> parameters, RowPace pace, CancellationToken ct)
    {
        // One chunk-sized buffer refilled from the table, not a copy of the whole minute (megabytes on the large-object heap).
        var buffer = new T[Math.Min(ChunkRows, rows.Count)];
        var filled = 0;
        foreach (var row in rows)
        {
            buffer[filled++] = row;
            if (filled == buffer.Length)
            {
                await WriteChunkAsync(new ArraySegment<T>(buffer));
                filled = 0;
            }
        }

        if (filled > 0)
        {
            await WriteChunkAsync(new ArraySegment<T>(buffer, 0, filled));
        }

        async Task WriteChunkAsync(ArraySegment<T> chunk)
        {
            await conn.ExecuteAsync(new CommandDefinition(sql, parameters(chunk), tx, commandTimeout: 600, cancellationToken: ct));
            await pace.WroteAsync(chunk.Count, ct);
        }
    }

    private const string IpvsSql = """
        insert into ipvs_rs_rollup_1m (bucket, director, protocol, virtual, destination, samples,
            connections_avg, connections_max, syn_recv_avg, syn_recv_max)
        select @bucket, u.* from unnest(@directors, @protocols, @virtuals, @destinations, @samples,
            @connectionsAvg, @connectionsMax, @synRecvAvg, @synRecvMax) as u
        on conflict (director, virtual, destination, protocol, bucket) do update set
            samples = excluded.samples, connections_avg = excluded.connections_avg, connections_max = excluded.connections_max,
            syn_recv_avg = excluded.syn_recv_avg, syn_recv_max = excluded.syn_recv_max
        """;

    private static Func<ArraySegment<KeyValuePair<MinuteRollup.IpvsSeries, MinuteRollup.IpvsTotals>>, object> IpvsParameters(DateTimeOffset bucket) =>
        rows => new
        {
            bucket,
            directors = rows.Select(r => r.Key.Director).ToArray(),
            protocols = rows.Select(r => r.Key.Protocol).ToArray(),
            virtuals = rows.Select(r => r.Key.Virtual).ToArray(),
            destinations = rows.Select(r => r.Key.Destination).ToArray(),
            samples = rows.Select(r => r.Value.Samples).ToArray(),
            connectionsAvg = rows.Select(r => (double)r.Value.ConnectionsSum / r.Value.Samples).ToArray(),
            connectionsMax = rows.Select(r => r.Value.ConnectionsMax).ToArray(),
            synRecvAvg = rows.Select(r => (double)r.Value.SynRecvSum / r.Value.Samples).ToArray(),
            synRecvMax = rows.Select(r => r.Value.SynRecvMax).ToArray(),
        };

    private const string RulesSql = """
        insert into iptables_rule_rollup_1m (bucket, rule_id, packets_last, bytes_last, packets_delta, bytes_delta)
        select @bucket, u.* from unnest(@ruleIds, @packetsLast, @bytesLast, @packetsDelta, @bytesDelta) as u
        on conflict (bucket, rule_id) do update set
            packets_last = excluded.packets_last, bytes_last = excluded.bytes_last,
            packets_delta = excluded.packets_delta, bytes_delta = excluded.bytes_delta
        """;

    private static Func<ArraySegment<KeyValuePair<long, MinuteRollup.CounterTotals>>, object> RuleParameters(DateTimeOffset bucket) =>
        rows => new
        {
            bucket,
            ruleIds = rows.Select(r => r.Key).ToArray(),
            packetsLast = rows.Select(r => r.Value.Last).ToArray(),
            bytesLast = rows.Select(r => r.Value.SecondLast).ToArray(),
            packetsDelta = rows.Select(r => r.Value.Delta).ToArray(),
            bytesDelta = rows.Select(r => r.Value.SecondDelta).ToArray(),
        };

    private const string NsxSql = """
        insert into nsx_filter_rollup_1m (bucket, filter_id, reason, value_last, delta)
        select @bucket, u.* from unnest(@filterIds, @reasons, @valueLast, @delta) as u
        on conflict (bucket, filter_id, reason) do update set value_last = excluded.value_last, delta = excluded.delta
        """;

    private static Func<ArraySegment<KeyValuePair<(long Filter, string Reason), MinuteRollup.CounterTotals>>, object> NsxParameters(DateTimeOffset bucket) =>
        rows => new
        {
            bucket,
            filterIds = rows.Select(r => r.Key.Filter).ToArray(),
            reasons = rows.Select(r => r.Key.Reason).ToArray(),
            valueLast = rows.Select(r => r.Value.Last).ToArray(),
            delta = rows.Select(r => r.Value.Delta).ToArray(),
        };

    private static void FoldIpvs(MinuteRollup minute, string director, BatchRows rows)
    {
        if (rows.Batch.Ipvs is null)
        {
            return;
        }

        foreach (var rs in rows.RealServers)
        {
            ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(minute.Ipvs, new(director, rs.Protocol, rs.Virtual, rs.Destination), out var seen);
            totals.Samples = checked(totals.Samples + 1);
            totals.ConnectionsSum = checked(totals.ConnectionsSum + rs.Connections);
            totals.SynRecvSum = checked(totals.SynRecvSum + rs.SynRecv);
            totals.ConnectionsMax = seen ? Math.Max(totals.ConnectionsMax, rs.Connections) : rs.Connections;
            totals.SynRecvMax = seen ? Math.Max(totals.SynRecvMax, rs.SynRecv) : rs.SynRecv;
        }
    }

    private void FoldRules(MinuteRollup minute, BatchRows rows)
    {
        var rules = rows.Rules;
        var ids = rows.RuleIds;
        for (var i = 0; i < ids.Count; i++)
        {
            var packets = DbValues.Saturate(rules[i].Packets);
            var bytes = DbValues.Saturate(rules[i].Bytes);
            ref var trail = ref CollectionsMarshal.GetValueRefOrAddDefault(_ruleTrails, ids[i], out var known);
            var carried = known && trail.Bucket >= minute.Bucket - s_carry;
            ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(minute.Rules, ids[i], out _);
            totals.Delta = checked(totals.Delta + (carried ? Delta(trail.Value, packets) : 0));
            totals.SecondDelta = checked(totals.SecondDelta + (carried ? Delta(trail.SecondValue, bytes) : 0));
            totals.Last = packets;
            totals.SecondLast = bytes;
            trail = new CounterTrail(minute.Bucket, packets, bytes);
        }
    }

    private void FoldNsx(MinuteRollup minute, BatchRows rows)
    {
        if (rows.Batch.Nsx is not { } nsx)
        {
            return;
        }

        foreach (var filter in nsx.Filters.DistinctBy(f => f.Name))
        {
            if (!rows.FilterIds.TryGetValue(filter.Name, out var id))
            {
                continue;
            }

            foreach (var (reason, raw) in filter.Counters)
            {
                var value = DbValues.Saturate(raw);
                ref var trail = ref CollectionsMarshal.GetValueRefOrAddDefault(_nsxTrails, (id, reason), out var known);
                var carried = known && trail.Bucket >= minute.Bucket - s_carry;
                ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(minute.NsxCounters, (id, reason), out _);
                totals.Delta = checked(totals.Delta + (carried ? Delta(trail.Value, value) : 0));
                totals.Last = value;
                trail = new CounterTrail(minute.Bucket, value, 0);
            }
        }
    }

    /// <summary>The same reset rule as live rates and the raw-reading rollup: a counter that went down restarted at zero.</summary>
    private static long Delta(long previous, long current) => current >= previous ? current - previous : current;

    /// <summary>Drops what no longer matters: trails too old to carry, and bookkeeping of minutes long settled.</summary>
    private void Forget(DateTimeOffset settledBefore)
    {
        lock (_lock)
        {
            var carryFrom = settledBefore - s_carry - TimeSpan.FromMinutes(1);
            RemoveWhere(_ruleTrails, t => t.Bucket < carryFrom);
            RemoveWhere(_nsxTrails, t => t.Bucket < carryFrom);
            var forgetBefore = settledBefore - s_remembered;
            RemoveWhere(_written, (b, _) => b < forgetBefore);
            RemoveWhere(_folded, (b, _) => b < forgetBefore);
            _closed.RemoveWhere(b => b < forgetBefore);
        }
    }

    private static void RemoveWhere<TKey>(Dictionary<TKey, CounterTrail> trails, Func<CounterTrail, bool> stale)
        where TKey : notnull
    {
        foreach (var (key, trail) in trails)
        {
            if (stale(trail))
            {
                trails.Remove(key);
            }
        }
    }

    private static void RemoveWhere(Dictionary<DateTimeOffset, int> minutes, Func<DateTimeOffset, int, bool> stale)
    {
        foreach (var (key, value) in minutes)
        {
            if (stale(key, value))
            {
                minutes.Remove(key);
            }
        }
    }

    /// <summary>A counter's last sample: its minute and value (two values for rules: packets and bytes).</summary>
    private readonly record struct CounterTrail(DateTimeOffset Bucket, long Value, long SecondValue);
}
