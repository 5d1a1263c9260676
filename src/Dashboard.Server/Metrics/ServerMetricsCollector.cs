using System.Diagnostics.Metrics;
using Dapper;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Metrics;

/// <summary>
/// The server's own families: the ingest latency histogram and write queue (from the ingest meter), the database pool
/// (from Npgsql's meter, this server's pool only) and the size of every time partition (asked of PostgreSQL once a minute).
/// </summary>
public sealed class ServerMetricsCollector : IDisposable
{
    public const string NpgsqlMeter = "Npgsql";

    /// <summary>Upper bounds in seconds: a healthy push commits in milliseconds, a saturated one waits seconds.</summary>
    public static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly IngestInstruments _instruments;
    private readonly DashboardDatabase _database;
    private readonly ILogger<ServerMetricsCollector> _logger;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, DurationHistogram> _durations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pool = new(StringComparer.Ordinal);
    private long? _poolMax;
    private volatile PartitionSizes? _partitions;

    /// <summary>Sizes are read at most this often: they grow slowly, and a year of daily partitions costs PostgreSQL a stat of each file.</summary>
    public static readonly TimeSpan PartitionSizesEvery = TimeSpan.FromSeconds(60);

    public ServerMetricsCollector(IMeterFactory meters, IngestInstruments instruments, DashboardDatabase database, ILogger<ServerMetricsCollector> logger)
    {
        (_instruments, _database, _logger) = (instruments, database, logger);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // The ingest meter of this server only (several servers share a process in tests), and Npgsql's pool gauges.
            if ((instrument.Meter.Name == IngestInstruments.MeterName && ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == IngestInstruments.DurationName)
                || (instrument.Meter.Name == NpgsqlMeter && PoolInstrument(instrument.Name) is not null))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnDuration);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnPool(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnPool(instrument, value, tags));
        _listener.Start();
    }

    public async Task WriteAsync(ExpositionWriter w, CancellationToken ct)
    {
        WriteIngest(w);
        WritePool(w);
        await WritePartitionsAsync(w, ct);
    }

    private void WriteIngest(ExpositionWriter w)
    {
        const string duration = LiveMetricsCollector.Prefix + "ingest_duration_seconds";
        w.Family(duration, "histogram", "Time to validate, commit and publish one pushed batch, by outcome (stored, duplicate, rejected, unavailable).");
        lock (_gate)
        {
            foreach (var (outcome, histogram) in _durations)
            {
                long cumulative = 0;
                for (var i = 0; i < DurationBuckets.Length; i++)
                {
                    cumulative += histogram.Buckets[i];
                    w.Sample(duration + "_bucket", cumulative, ("outcome", outcome), ("le", ExpositionWriter.Format(DurationBuckets[i])));
                }

                w.Sample(duration + "_bucket", histogram.Count, ("outcome", outcome), ("le", "+Inf"));
                w.Sample(duration + "_sum", histogram.Sum, ("outcome", outcome));
                w.Sample(duration + "_count", histogram.Count, ("outcome", outcome));
            }
        }

        const string inProgress = LiveMetricsCollector.Prefix + "ingest_writes_in_progress";
        w.Family(inProgress, "gauge", "Batches being written now (each holds one write turn).");
        w.Sample(inProgress, (long)_instruments.WritesInProgress);
        const string slots = LiveMetricsCollector.Prefix + "ingest_write_slots";
        w.Family(slots, "gauge", "Write turns in all (Dashboard:Ingest:MaxConcurrentWrites).");
        w.Sample(slots, (long)_instruments.WriteSlots);
        const string waiting = LiveMetricsCollector.Prefix + "ingest_queued_requests";
        w.Family(waiting, "gauge", "Pushes waiting for a write turn now; past 5 s they are answered 503 with Retry-After.");
        w.Sample(waiting, (long)_instruments.Waiting);
    }

    private void WritePool(ExpositionWriter w)
    {
        Dictionary<string, long> pool;
        long? max;
        lock (_gate)
        {
            _pool.Clear();
            _poolMax = null;
            _listener.RecordObservableInstruments();
            (pool, max) = (new Dictionary<string, long>(_pool, StringComparer.Ordinal), _poolMax);
        }

        const string connections = LiveMetricsCollector.Prefix + "database_pool_connections";
        w.Family(connections, "gauge", "Connections of the server's database pool, by state (idle, used).");
        foreach (var (state, count) in pool.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Sample(connections, count, ("state", state));
        }

        const string maximum = LiveMetricsCollector.Prefix + "database_pool_max_connections";
        w.Family(maximum, "gauge", "Most connections the server's database pool opens.");
        if (max is { } m)
        {
            w.Sample(maximum, m);
        }
    }

    private async Task WritePartitionsAsync(ExpositionWriter w, CancellationToken ct)
    {
        const string sql = """
            SELECT parent.relname AS parent_table, child.relname AS partition_name, pg_total_relation_size(child.oid) AS size_bytes
            FROM pg_inherits i
            JOIN pg_class parent ON parent.oid = i.inhparent
            JOIN pg_class child ON child.oid = i.inhrelid
            JOIN pg_namespace n ON n.oid = parent.relnamespace
            WHERE n.nspname = current_schema() AND parent.relkind = 'p'
            ORDER BY parent.relname, child.relname
            """;
        var sizes = _partitions is { } cached && Environment.TickCount64 - cached.ReadAt < PartitionSizesEvery.TotalMilliseconds ? cached.Sizes : null;
        try
        {
            if (sizes is null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await using var conn = await _database.DataSource.OpenConnectionAsync(timeout.Token);
                // Every partitioned table of the schema, whichever tables the migrations made: no list to keep in step here.
                sizes = (await conn.QueryAsync<PartitionSize>(new CommandDefinition(sql, cancellationToken: timeout.Token))).ToList();
                _partitions = new PartitionSizes(Environment.TickCount64, sizes);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The page still answers while the database is away; the sizes are absent, never a made-up zero.
            _logger.LogDebug("Partition sizes not read: {Reason}", e.Message);
            sizes = [];
        }

        const string size = LiveMetricsCollector.Prefix + "partition_size_bytes";
        w.Family(size, "gauge", "Bytes of one daily partition of a sample or rollup table, indexes and TOAST included.");
        foreach (var p in sizes)
        {
            w.Sample(size, p.SizeBytes, ("table", p.ParentTable), ("partition", p.PartitionName));
        }
    }

    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var outcome = "";
        foreach (var tag in tags)
        {
            if (tag.Key == IngestInstruments.OutcomeTag)
            {
                outcome = tag.Value as string ?? "";
            }
        }

        lock (_gate)
        {
            if (!_durations.TryGetValue(outcome, out var histogram))
            {
                _durations[outcome] = histogram = new DurationHistogram(DurationBuckets.Length);
            }

            var bucket = Array.FindIndex(DurationBuckets, b => seconds <= b);
            if (bucket >= 0)
            {
                histogram.Buckets[bucket]++;
            }

            histogram.Count++;
            histogram.Sum += seconds;
        }
    }

    /// <summary>Called inside <see cref="MeterListener.RecordObservableInstruments"/>, under the lock the scrape holds.</summary>
    private void OnPool(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? pool = null, connectionState = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "pool.name" or "db.client.connection.pool.name":
                    pool = tag.Value as string;
                    break;
                case "state" or "db.client.connection.state":
                    connectionState = tag.Value as string;
                    break;
            }
        }

        if (pool != _database.PoolName)
        {
            return;
        }

        if (PoolInstrument(instrument.Name) == "max")
        {
            _poolMax = (_poolMax ?? 0) + value;
        }
        else if (connectionState is not null)
        {
            _pool[connectionState] = _pool.GetValueOrDefault(connectionState) + value;
        }
    }

    /// <summary>Npgsql's pool gauges under their names before and after the OpenTelemetry conventions renamed them.</summary>
    private static string? PoolInstrument(string name) => name switch
    {
        "db.client.connections.usage" or "db.client.connection.count" => "usage",
        "db.client.connections.max" or "db.client.connection.max" => "max",
        _ => null,
    };

    public void Dispose() => _listener.Dispose();

    private sealed class DurationHistogram(int buckets)
    {
        public long[] Buckets { get; } = new long[buckets];
        public long Count { get; set; }
        public double Sum { get; set; }
    }

    private sealed record PartitionSize(string ParentTable, string PartitionName, long SizeBytes);

    private sealed record PartitionSizes(long ReadAt, List<PartitionSize> Sizes);
}
