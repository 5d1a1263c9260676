using System.Net.Sockets;
using Dashboard.Core.Batches;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Ingest;

public abstract record IngestOutcome
{
    public sealed record Accepted(WriteResult Result) : IngestOutcome;
    public sealed record Rejected(IReadOnlyList<IngestError> Errors) : IngestOutcome;
    public sealed record Forbidden(string Reason) : IngestOutcome;
    public sealed record OverLimit(string Reason) : IngestOutcome;
    public sealed record Unavailable(string Reason) : IngestOutcome;
}

/// <summary>Validate, commit, then publish: the answer to an agent comes only after its batch is committed.</summary>
public sealed class IngestService(
    BatchWriter writer,
    LiveStore live,
    StreamingRollups rollups,
    IOptionsMonitor<DashboardOptions> options,
    TimeProvider clock,
    ILogger<IngestService> logger)
{
    private static readonly TimeSpan s_slotWait = TimeSpan.FromSeconds(5);

    // Throughput falls when more writers than cores fight over PostgreSQL: the rest wait here, not in the connection pool.
    private readonly SemaphoreSlim _writeSlots = new(options.CurrentValue.Ingest.MaxConcurrentWrites);

    /// <summary>
    /// A turn to decode and store one push, taken before its body is decoded: pushes waiting for a turn hold only their
    /// bytes, not a decoded batch that every collection during the wait would have to copy. Null when none came in time.
    /// </summary>
    public async Task<WriteSlot?> EnterAsync(CancellationToken ct) =>
        await _writeSlots.WaitAsync(s_slotWait, ct) ? new WriteSlot(_writeSlots) : null;

    public const string SaturatedReason = "the server is saturated with writes; nothing was stored, retry later";

    public async Task<IngestOutcome> IngestAsync(AgentBatch batch, BatchOrigin origin, WriteSlot slot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var settings = options.CurrentValue;
        if (IngestAuthorizer.Refusal(batch, origin, settings.Auth.RequireBoundTokens) is { } refusal)
        {
            logger.LogInformation("Refused a batch: {Reason}", refusal);
            return new IngestOutcome.Forbidden(refusal);
        }

        // Checked before validation, so a clock too far ahead to be stored still names the host in a finding.
        var skew = batch.CollectedAt - now;
        var tolerance = TimeSpan.FromSeconds(settings.Ingest.ClockSkewToleranceSeconds);
        if (BatchValidator.HostNameProblem(batch.Host) is null)
        {
            live.RecordClockOffset(batch.Host, skew > tolerance ? skew : null);
        }

        var errors = BatchValidator.Validate(batch, origin, now, settings.Retention.RawDays);
        if (errors.Count > 0)
        {
            return new IngestOutcome.Rejected(errors);
        }

        if (skew > tolerance)
        {
            // A clock ahead would pin the live view on the future batch: such a batch is stored as of its receipt.
            batch.CollectedAt = now;
        }

        if (live.Limits.Admit(batch.Host, origin.TokenName) is { } limit)
        {
            logger.LogInformation("Refused a batch of {Host}: {Reason}", batch.Host, limit);
            return new IngestOutcome.OverLimit(limit);
        }

        var rows = new BatchRows(batch);
        if (rows.Count > settings.Limits.MaxRowsPerBatch)
        {
            var reason = live.Limits.Refuse(LiveLimits.MaxRowsPerBatchName, batch.Host, origin.TokenName,
                $"the batch has {rows.Count} rows, over {LiveLimits.MaxRowsPerBatchName} = {settings.Limits.MaxRowsPerBatch}");
            return new IngestOutcome.Rejected([new IngestError(null, "$", reason)]);
        }

        WriteResult result;
        try
        {
            result = await writer.WriteAsync(rows, origin, ct);
        }
        catch (Exception e) when (IsDatabaseUnavailable(e))
        {
            logger.LogWarning("Batch {Host}#{Sequence} not stored, database unavailable: {Reason}", batch.Host, batch.Sequence, e.Message);
            return new IngestOutcome.Unavailable(e.Message);
        }
        finally
        {
            slot.Dispose();
        }

        if (result.Status == WriteStatus.Stored)
        {
            live.Apply(rows, origin.Role, now);
            rollups.Add(rows);
        }

        return new IngestOutcome.Accepted(result);
    }

    /// <summary>Faults of reaching the database, as opposed to a bug or bad data, which must not be retried forever.</summary>
    public static bool IsDatabaseUnavailable(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" or "08006" or "08001" } => true,
        SocketException or TimeoutException => true,
        InvalidOperationException { Message: "The database has not been started." } => true,
        _ => false,
    };
}

/// <summary>One of the ingest write turns; released once its batch is written (or by disposing it, on every other path).</summary>
public sealed class WriteSlot(SemaphoreSlim slots) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            slots.Release();
        }
    }
}
