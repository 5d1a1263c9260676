namespace Dashboard.Server.Storage;

/// <summary>
/// What the batches of one minute add up to, per rollup row: IPVS real servers (count, sums and maxima of connections
/// and SYN_RECV), iptables rules and NSX counters (last value, summed deltas). Filled under its owner's lock.
/// </summary>
internal sealed class MinuteRollup(DateTimeOffset bucket)
{
    public DateTimeOffset Bucket { get; } = bucket;

    /// <summary>Batches folded in; the minute is written from memory only when the journal holds exactly this many.</summary>
    public int Batches { get; set; }

    public Dictionary<IpvsSeries, IpvsTotals> Ipvs { get; } = [];

    public Dictionary<long, CounterTotals> Rules { get; } = [];

    public Dictionary<(long Filter, string Reason), CounterTotals> NsxCounters { get; } = [];

    public readonly record struct IpvsSeries(string Director, string Protocol, string Virtual, string Destination);

    public struct IpvsTotals
    {
        public int Samples;
        public long ConnectionsSum;
        public long ConnectionsMax;
        public long SynRecvSum;
        public long SynRecvMax;
    }

    /// <summary>A counter's last value in the minute and the deltas of its samples summed (two counters for rules: packets, bytes).</summary>
    public struct CounterTotals
    {
        public long Last;
        public long Delta;
        public long SecondLast;
        public long SecondDelta;
    }
}
