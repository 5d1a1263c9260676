using System.Runtime.CompilerServices;
using Dashboard.Agent.Hosting;
using Dashboard.Agent.Spool;
using Dashboard.Core.Batches;
using Polly;
using Polly.Timeout;

namespace Dashboard.Agent.Transport;

/// <summary>
/// Numbers each batch, pushes it, and keeps what the server does not take in the spool. Spooled batches go out first, oldest
/// first with their original sequence numbers, so the server sees every batch once and in order.
/// </summary>
public sealed class BatchSender
{
    private readonly IngestClient _client;
    private readonly ResiliencePipeline<IngestReply> _pipeline;
    private readonly BatchSpool _spool;
    private readonly AgentState _state;
    private readonly TimeSpan _replayBudget;
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private DateTimeOffset _quietUntil;
    private string? _failure;

    /// <param name="replayBudget">How long one delivery may spend replaying the spool before the new batch is spooled behind it.</param>
    public BatchSender(IngestClient client, ResiliencePipeline<IngestReply> pipeline, BatchSpool spool, AgentState state, TimeSpan replayBudget,
        TimeProvider time, AgentLog log)
    {
        _client = client;
        _pipeline = pipeline;
        _spool = spool;
        _state = state;
        _replayBudget = replayBudget;
        _time = time;
        _log = log;
    }

    /// <summary>Replays the spool, then gives the batch its sequence, drop count and agent version and sends it, or spools it.</summary>
    public async Task<DeliveryReport> DeliverAsync(AgentBatch batch, CancellationToken ct)
    {
        // Losses found before the batch is numbered (expired, refused or unreadable spool files) are reported by this batch.
        CountDrops(_spool.DropExpired(), "older than SpoolMaxAgeHours");
        var (drained, replayed, holdBack) = (false, 0, (string?)null);
        if (ct.IsCancellationRequested)
        {
            holdBack = "shutting down";
        }
        else if (_time.GetUtcNow() < _quietUntil)
        {
            holdBack = $"the server asked for no pushes before {_quietUntil:u}";
        }
        else
        {
            (drained, replayed) = await ReplayAsync(ct);
            holdBack = drained ? null : _failure ?? "the spool is still being replayed";
        }

        var (sequence, drops) = _state.Take();
        batch.Sequence = sequence;
        batch.DroppedBatches = drops;
        batch.AgentVersion ??= AgentInfo.Version;
        var payload = BatchPayload.Serialize(batch);
        if (holdBack is not null)
        {
            return Keep(batch, payload, replayed, holdBack);
        }

        var reply = await SendAsync(payload, ct);
        switch (reply.Status)
        {
            case IngestStatus.Stored or IngestStatus.Duplicate:
                Recovered();
                if (reply.Status == IngestStatus.Duplicate && !reply.AfterRetry)
                {
                    // A fresh number the server already holds: this agent's state went back in time, and the batch was not stored.
                    _log.Warning($"batch #{sequence}: the server already had this sequence and kept its earlier batch; was {_spool.Directory} restored or shared?");
                }

                return new DeliveryReport(sequence, DeliveryOutcome.Delivered, replayed, _spool.Count, null);
            case IngestStatus.Rejected:
                Refused(sequence, drops, reply);
                return new DeliveryReport(sequence, DeliveryOutcome.Dropped, replayed, _spool.Count, reply.ToString());
            default:
                Failed(reply);
                return Keep(batch, payload, replayed, reply.ToString());
        }
    }

    private async Task<(bool Drained, int Replayed)> ReplayAsync(CancellationToken ct)
    {
        var replayed = 0;
        var started = _time.GetTimestamp();
        while (_spool.TryPeekOldest(out var entry))
        {
            if (_time.GetElapsedTime(started) > _replayBudget || ct.IsCancellationRequested)
            {
                return (false, replayed);
            }

            var payload = ReadSpooled(entry);
            if (payload is null)
            {
                continue;
            }

            var reply = await SendAsync(payload, ct);
            switch (reply.Status)
            {
                case IngestStatus.Stored or IngestStatus.Duplicate:
                    _spool.Remove(entry);
                    replayed++;
                    Recovered();
                    break;
                case IngestStatus.Rejected:
                    _spool.Remove(entry);
                    Refused(entry.Sequence, entry.CarriedDrops, reply);
                    break;
                default:
                    Failed(reply);
                    return (false, replayed);
            }
        }

        if (replayed > 0)
        {
            _log.Info($"replayed {replayed} spooled batch(es); the spool is empty");
        }

        return (true, replayed);
    }

    /// <summary>The bytes of a spooled batch, or null (removed and counted) when the file is not a complete batch.</summary>
    private byte[]? ReadSpooled(SpoolEntry entry)
    {
        string why;
        try
        {
            var payload = _spool.Read(entry);
            if (BatchPayload.TryDeserialize(payload) is not null)
            {
                return payload;
            }

            why = "not a complete batch";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e.Message;
        }

        _log.Warning($"{entry.Path}: {why}; removed and counted as dropped");
        _spool.Remove(entry);
        _state.AddDrops(1 + entry.CarriedDrops);
        return null;
    }

    private async Task<IngestReply> SendAsync(byte[] payload, CancellationToken ct)
    {
        var attempts = new StrongBox<int>();
        try
        {
            var reply = await _pipeline.ExecuteAsync(static (state, token) =>
            {
                state.Attempts.Value++;
                return new ValueTask<IngestReply>(state.Client.PostAsync(state.Payload, token));
            }, (Client: _client, Payload: payload, Attempts: attempts), ct);
            return reply with { AfterRetry = attempts.Value > 1 };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new IngestReply(IngestStatus.Unavailable, null, "shutting down");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new IngestReply(IngestStatus.Unavailable, null, $"{_client.Endpoint}: {e.Message}");
        }
    }

    private DeliveryReport Keep(AgentBatch batch, byte[] payload, int replayed, string reason)
    {
        try
        {
            CountDrops(_spool.Add(batch.Sequence, batch.DroppedBatches, payload), "over SpoolMaxBytes");
            return new DeliveryReport(batch.Sequence, DeliveryOutcome.Spooled, replayed, _spool.Count, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error($"batch #{batch.Sequence} could not be spooled in {_spool.Directory}: {e.Message}; dropped");
            _state.AddDrops(1 + batch.DroppedBatches);
            return new DeliveryReport(batch.Sequence, DeliveryOutcome.Dropped, replayed, _spool.Count, e.Message);
        }
    }

    private void CountDrops(IReadOnlyList<SpoolEntry> dropped, string why)
    {
        if (dropped.Count == 0)
        {
            return;
        }

        _state.AddDrops(dropped.Sum(static e => 1 + e.CarriedDrops));
        _log.Warning($"spool: dropped {dropped.Count} oldest batch(es) (#{dropped[0].Sequence}..#{dropped[^1].Sequence}), {why}");
    }

    private void Refused(long sequence, long carriedDrops, IngestReply reply)
    {
        _log.Error($"batch #{sequence} refused by the server, dropped: {reply}");
        _state.AddDrops(1 + carriedDrops);
    }

    private void Failed(IngestReply reply)
    {
        if (reply.RetryAfter is { } wait && reply.Status == IngestStatus.Unavailable)
        {
            _quietUntil = _time.GetUtcNow() + wait;
        }

        var message = reply.ToString();
        if (_failure is null)
        {
            _log.Warning($"server not taking batches ({message}); spooling in {_spool.Directory}");
        }

        _failure = message;
    }

    private void Recovered()
    {
        if (_failure is not null)
        {
            _log.Info("server taking batches again");
            _failure = null;
        }
    }
}
