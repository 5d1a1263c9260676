namespace Dashboard.Server.Demo;

/// <summary>One simulated host of the demo fleet: what it would push at a moment of the scenario loop.</summary>
public interface IDemoHost
{
    string Name { get; }

    /// <summary>director, hypervisor or nsx: the token role it pushes with.</summary>
    string Role { get; }

    /// <summary>The request it would send at <paramref name="at"/>, <paramref name="loopSecond"/> seconds into the loop.</summary>
    DemoPush NextPush(DateTimeOffset at, double loopSecond, long sequence);
}

/// <summary>Either an agent batch (JSON) or a raw command output for a raw format.</summary>
public sealed record DemoPush(Core.Batches.AgentBatch? Batch, string? RawFormat = null, string? RawText = null);
