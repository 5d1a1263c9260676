using System.Diagnostics;
using Dashboard.Core.Batches;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Api;

public abstract record IngestOutcome
{
    public sealed record Accepted(WriteResult Result) : IngestOutcome;
    public sealed record Rejected(IReadOnlyList<IngestError> Errors) : IngestOutcome;
    public sealed record Forbidden(string Reason) : IngestOutcome;
    public sealed record OverLimit(string Reason) : IngestOutcome;
    /// <summary>Nothing stored; RetryAfterSeconds overrides Dashboard:Ingest:RetryAfterSeconds when the wait is known to be longer.</summary>
    public sealed record Unavailable(string Reason, int? RetryAfterSeconds = null) : IngestOutcome;
}

/// <summary>Validate, commit, then publish: the answer to an agent comes only after its batch is committed.</summary>
public sealed class IngestService(
    BatchWriter writer,
    LiveStore live,
    FreeSpaceFloor floor,
    IOptionsMonitor<DashboardOptions> options,
    TimeProvider clock,
    IngestInstruments instruments,
    ILogger<IngestService> logger)
{
    private static readonly TimeSpan s_slotWait = TimeSpan.FromSeconds(5);

    // Throughput falls when more writers than cores fight over PostgreSQL: the rest wait here, not in the connection pool.
    private readonly SemaphoreSlim _writeSlots = instruments.Track(
        new SemaphoreSlim(options.CurrentValue.Ingest.MaxConcurrentWrites), options.CurrentValue.Ingest.MaxConcurrentWrites);

    /// <summary>
    /// A turn to decode and store one push, taken before its body is decoded: pushes waiting for a turn hold only their
    /// bytes, not a decoded batch that every collection during the wait would have to copy. Null when none came in time.
    /// </summary>
    public async Task<WriteSlot?> EnterAsync(CancellationToken ct)
    {
        instruments.EnterWait();
        try
        {
            return await _writeSlots.WaitAsync(s_slotWait, ct) ? new WriteSlot(_writeSlots) : null;
        }
        finally
        {
            instruments.LeaveWait();
        }
    }

    public const string SaturatedReason = "the server is saturated with writes; nothing was stored, retry later";

    public async Task<IngestOutcome> IngestAsync(AgentBatch batch, BatchOrigin origin, WriteSlot slot, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await IngestTimedAsync(batch, origin, slot, ct);
        instruments.RecordDuration(Stopwatch.GetElapsedTime(started), outcome switch
        {
            IngestOutcome.Accepted { Result.Status: WriteStatus.Stored } => "stored",
            IngestOutcome.Accepted => "duplicate",
            IngestOutcome.Rejected => "rejected",
            _ => "unavailable",
        });
        return outcome;
    }

    private async Task<IngestOutcome> IngestTimedAsync(AgentBatch batch, BatchOrigin origin, WriteSlot slot, CancellationToken ct)
    {
        // Refused whole before anything is written, so that PostgreSQL keeps its room for WAL.
        if (floor.Current is { IsBelowFloor: true } disk)
        {
            return new IngestOutcome.Unavailable(disk.Reason, options.CurrentValue.Storage.RetryAfterSeconds);
        }

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

        var errors = BatchValidator.Validate(batch, origin, now, settings.Retention.RawHours);
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

        UncountedRules.Remove(batch);
        var normalized = new NormalizedBatch(batch);
        if (normalized.Count > settings.Limits.MaxRowsPerBatch)
        {
            var reason = live.Limits.Refuse(LiveLimits.MaxRowsPerBatchName, batch.Host, origin.TokenName,
                $"the batch has {normalized.Count} rows, over {LiveLimits.MaxRowsPerBatchName} = {settings.Limits.MaxRowsPerBatch}");
            return new IngestOutcome.Rejected([new IngestError(null, "$", reason)]);
        }

        WriteResult result;
        try
        {
            result = await writer.WriteAsync(normalized, origin, ct);
        }
        catch (Exception e) when (DatabaseFaults.IsUnavailable(e))
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
            live.Apply(normalized, origin.Role, now);
        }

        return new IngestOutcome.Accepted(result);
    }
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
