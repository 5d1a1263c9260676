namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>One push as the agent saw it: time from sending to the "stored" answer, rows the server says it wrote, or why it failed.</summary>
public readonly record struct PushResult(TimeSpan Latency, int Rows, long WireBytes, TimeSpan Prepare, string? Error)
{
    /// <summary>When the push was sent, from the start of its phase.</summary>
    public TimeSpan SentAt { get; init; }

    /// <summary>The pushing agent's role (director, hypervisor, nsx).</summary>
    public string Role { get; init; } = "";

    /// <summary>The numbers the stored batch carried (<see cref="BatchNumbers"/>), 0 when it was not stored.</summary>
    public long Numbers { get; init; }

    public bool Stored => Error is null;
}
