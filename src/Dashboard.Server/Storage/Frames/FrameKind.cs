namespace Dashboard.Server.Storage.Frames;

/// <summary>What a frame holds; the numbers are stored in every frame row and named in migration 0011.</summary>
public enum FrameKind : short
{
    IpvsRealServers = 1,
    IpvsServices = 2,
    IptablesRules = 3,
    NsxCounters = 4,
    NsxRules = 5,
}

/// <summary>The fields of each kind, and which of them are cumulative counters (stored as differences in linked frames).</summary>
public static class FrameFields
{
    public static readonly string[] IpvsRealServerFixed = ["weight", "active", "inactive", "templates"];
    public static readonly string[] IpvsServices = ["persistent", "conns", "in_packets", "out_packets", "in_bytes", "out_bytes"];
    public static readonly string[] IptablesRules = ["packets", "bytes"];
    public static readonly string[] NsxCounters = ["value"];
    public static readonly string[] NsxRules = ["packets", "bytes", "hits", "sessions"];

    /// <summary>Rollups of real servers: samples, and sums and maxima of connections and SYN_RECV.</summary>
    public static readonly string[] IpvsRealServerRollup = ["samples", "connections_sum", "connections_max", "syn_recv_sum", "syn_recv_max"];

    /// <summary>IPVS real servers hold gauges only (counts by state, weights); services a gauge (persistence) and counters.</summary>
    public static bool IsCounter(FrameKind kind, string field) => kind switch
    {
        FrameKind.IpvsRealServers => false,
        FrameKind.IpvsServices => field != "persistent",
        _ => true,
    };
}
