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

    /// <summary>
    /// Threads (at most 64) that may read a large regular file (4 MB and more) in chunks of up to 8 MB; the result is
    /// the same as with one, which reads in a single pass. Streams that are not seekable files are always read in one pass.
    /// </summary>
    public int MaxParallelism { get; init; } = 1;

    /// <summary>Smallest file read in chunks; tests lower it to put chunk edges everywhere.</summary>
    internal long MinimumChunkedBytes { get; init; } = 4 << 20;

    /// <summary>Bytes per chunk, at most; tests lower it.</summary>
    internal long ChunkBytes { get; init; } = 8 << 20;

    /// <summary>Real rows are under 200 bytes; longer lines are skipped with a diagnostic.</summary>
    public int MaxLineLength { get; init; } = 4096;
}
