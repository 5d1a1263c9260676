namespace Dashboard.Agent.Transport;

/// <summary>What became of one batch, and how many spooled batches went out before it.</summary>
public sealed record DeliveryReport(long Sequence, DeliveryOutcome Outcome, int Replayed, int SpoolCount, string? Reason);
