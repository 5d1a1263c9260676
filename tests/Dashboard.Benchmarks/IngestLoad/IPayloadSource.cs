using Dashboard.Core.Batches;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>The batch one simulated agent pushes next: the shape built once, the counters moved on by one interval.</summary>
public interface IPayloadSource
{
    /// <summary>Token role the agent pushes with (director, hypervisor, nsx).</summary>
    string Role { get; }

    /// <summary>The next batch; it may be the same object as the last one, changed in place, so use it before asking for another.</summary>
    AgentBatch Next(string host, long sequence, DateTimeOffset collectedAt);
}
