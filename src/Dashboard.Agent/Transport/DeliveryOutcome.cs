namespace Dashboard.Agent.Transport;

public enum DeliveryOutcome
{
    /// <summary>The server stored it (or already had it).</summary>
    Delivered,

    /// <summary>Kept on disk for a later replay.</summary>
    Spooled,

    /// <summary>Lost for good (refused by the server, or the disk would not take it); counted in a later DroppedBatches.</summary>
    Dropped,
}
