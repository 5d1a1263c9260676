using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Server.Ingest;

namespace Dashboard.Server.Storage;

public enum WriteStatus
{
    Stored,
    Duplicate,
}

public sealed record WriteResult(WriteStatus Status, long Sequence, int Rows);

/// <summary>Stores one batch in one transaction: all of it, or (a replay, a failure) none of it.</summary>
public sealed class BatchWriter(DashboardDatabase database, DimensionIdCache ids, Live.ServerInstance instance)
{
    private readonly IptablesSampleWriter _iptables = new(ids);
    private readonly NsxSampleWriter _nsx = new(ids);

    public Task<WriteResult> WriteAsync(AgentBatch batch, BatchOrigin origin, CancellationToken ct) => WriteAsync(new BatchRows(batch), origin, ct);

    public async Task<WriteResult> WriteAsync(BatchRows derived, BatchOrigin origin, CancellationToken ct)
    {
        var batch = derived.Batch;
        var rows = derived.Count;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
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
            channel = Live.ClusterSync.Channel,
            payload = Live.ClusterSync.Payload(instance, origin.Role, batch.Host, batch.CollectedAt),
        }, tx, cancellationToken: ct));
        if (sequence is null)
        {
            return new WriteResult(WriteStatus.Duplicate, batch.Sequence, 0);
        }

        var resolved = new List<KeyValuePair<DimensionKey, long>>();
        await IpvsSampleWriter.WriteAsync(conn, batch.Host, batch.CollectedAt, batch.Ipvs, derived.RealServers, ct);
        var ruleIds = await _iptables.WriteAsync(conn, batch.Host, batch.CollectedAt, batch.Iptables, derived.Rules, resolved, ct);
        var filterIds = await _nsx.WriteAsync(conn, batch.Host, batch.CollectedAt, batch.Nsx, resolved, ct);
        await KeepalivedStateWriter.WriteAsync(conn, batch.Host, batch.CollectedAt, batch.Keepalived, ct);
        await tx.CommitAsync(ct);
        ids.AddCommitted(resolved);
        derived.RuleIds = ruleIds;
        derived.FilterIds = filterIds;
        return new WriteResult(WriteStatus.Stored, sequence.Value, rows);
    }
}
