using Dapper;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage.Frames;
using Npgsql;

namespace Dashboard.Server.Storage;

public enum WriteStatus
{
    Stored,
    Duplicate,
}

public sealed record WriteResult(WriteStatus Status, long Sequence, int Rows);

/// <summary>Stores one batch in one transaction: all of it, or (a replay, a failure) none of it.</summary>
/// <param name="dataSource">The database's data source, asked for at each write (it exists only once the database started).</param>
public sealed class BatchWriter(Func<NpgsqlDataSource> dataSource, DimensionIdCache ids, FrameWriter frames, ServerInstance instance)
{
    private readonly IpvsFrames _ipvs = new(ids);
    private readonly IptablesFrames _iptables = new(ids);
    private readonly NsxFrames _nsx = new(ids);

    public Task<WriteResult> WriteAsync(Core.Batches.AgentBatch batch, BatchOrigin origin, CancellationToken ct) => WriteAsync(new NormalizedBatch(batch), origin, ct);

    public async Task<WriteResult> WriteAsync(NormalizedBatch normalized, BatchOrigin origin, CancellationToken ct)
    {
        var batch = normalized.Batch;
        var rows = normalized.Count;
        await using var conn = await dataSource().OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        // One round trip for the journal entry, the host row and the notice to other instances: on this path every round trip
        // waits for a busy core twice. The notice is delivered only if, and when, the transaction commits.
        const string journal = """
            with journal as (
                insert into ingest_batches (host, source, sequence, collected_at, token_name, row_count)
                values (@host, @source, coalesce(@sequence, nextval('raw_upload_sequence')), @collectedAt, @token, @rows)
                on conflict (host, source, token_name, sequence) do nothing
                returning sequence
            ), seen as (
                insert into hosts (name, role, last_seen, last_collected, agent_version, dropped_batches)
                select @host, @role, now(), @collectedAt, @version, @dropped
                where exists (select 1 from journal)
                on conflict (name) do update set
                    role = excluded.role, last_seen = now(),
                    last_collected = greatest(hosts.last_collected, excluded.last_collected),
                    agent_version = coalesce(excluded.agent_version, hosts.agent_version),
                    dropped_batches = least(hosts.dropped_batches::numeric + excluded.dropped_batches, 9223372036854775807)::bigint
            )
            select sequence, pg_notify(@channel, @payload) from journal
            """;
        var sequence = await conn.ExecuteScalarAsync<long?>(new CommandDefinition(journal, new
        {
            host = batch.Host,
            source = origin.Source,
            sequence = origin.IsAgent ? batch.Sequence : (long?)null,
            collectedAt = batch.CollectedAt,
            token = origin.TokenName,
            rows,
            role = origin.Role,
            version = batch.AgentVersion,
            dropped = batch.DroppedBatches,
            channel = CommitNotice.Channel,
            payload = CommitNotice.Payload(instance, origin.Role, batch.Host, batch.CollectedAt),
        }, tx, cancellationToken: ct));
        if (sequence is null)
        {
            return new WriteResult(WriteStatus.Duplicate, batch.Sequence, 0);
        }

        var resolved = new List<KeyValuePair<DimensionKey, long>>();
        var built = new List<FrameData>();
        built.AddRange(await _ipvs.BuildAsync(conn, batch.Host, batch.CollectedAt, normalized, resolved, ct));
        built.AddRange(await _iptables.BuildAsync(conn, batch.Host, batch.CollectedAt, batch.Iptables, normalized.Rules, resolved, ct));
        built.AddRange(await _nsx.BuildAsync(conn, batch.Host, batch.CollectedAt, batch.Nsx, resolved, ct));
        var pending = new FrameWriter.Pending();
        await frames.WriteRawAsync(conn, batch.Host, batch.CollectedAt, built, pending, ct);
        await SynRecvSourceWriter.WriteAsync(conn, batch.Host, batch.CollectedAt, batch.Ipvs, ct);
        await KeepalivedStateWriter.WriteAsync(conn, batch.Host, batch.CollectedAt, batch.Keepalived, ct);
        await tx.CommitAsync(ct);
        ids.AddCommitted(resolved);
        frames.Committed(pending);
        return new WriteResult(WriteStatus.Stored, sequence.Value, rows);
    }
}
