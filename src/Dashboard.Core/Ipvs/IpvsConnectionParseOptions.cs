namespace Dashboard.Core.Ipvs;

/// <summary>Limits that keep the connection parsers in bounded memory whatever the input holds.</summary>
public sealed class IpvsConnectionParseOptions
{
    public static IpvsConnectionParseOptions Default { get; } = new();

    /// <summary>Clients reported per virtual service in TopSynRecvSources.</summary>
    public int TopSourcesPerVirtual { get; init; } = 10;

    /// <summary>Counters kept per virtual service; a client with more than 1/capacity of its SYN_RECV rows is never missed.</summary>
    public int SourceSketchCapacity { get; init; } = 64;

    /// <summary>Virtual services whose SYN_RECV sources are tracked; later ones are counted but not broken down.</summary>
    public int MaxTrackedVirtuals { get; init; } = 1024;

    /// <summary>Distinct (protocol, virtual, destination) pairs, and as many tuples with a rare state; rows beyond are rejected.</summary>
    public int MaxDistinctAggregates { get; init; } = 250_000;

    /// <summary>Distinct IPv6/name endpoints, protocol names and state names, each.</summary>
    public int MaxDistinctNames { get; init; } = 10_000;

    public int MaxDiagnosticsPerKind { get; init; } = 100;

    /// <summary>Real rows are under 200 bytes; longer lines are skipped with a diagnostic.</summary>
    public int MaxLineLength { get; init; } = 4096;
}
