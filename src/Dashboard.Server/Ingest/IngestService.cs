using System.Diagnostics;
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
    public sealed record Unavailable(string Reason) : IngestOutcome;
}

/// <summary>Validate, commit, then publish: the answer to an agent comes only after its batch is committed.</summary>
public sealed class IngestService(
    BatchWriter writer,
    LiveStore live,
    StreamingRollups rollups,
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
        var now = clock.GetUtcNow();
        var errors = BatchValidator.Validate(batch, origin, now, options.CurrentValue.Retention.RawDays);
        if (errors.Count > 0)
        {
            return new IngestOutcome.Rejected(errors);
        }

        var rows = new BatchRows(batch);
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
