namespace Dashboard.Server.Storage;

/// <summary>
/// What the batches of one minute add up to, per rollup row: IPVS real servers (count, sums and maxima of connections
/// and SYN_RECV), iptables rules and NSX counters (last value, summed deltas). Filled under its owner's lock.
/// </summary>
/// <param name="expected">Rows the minute before had: sized for them up front, its tables are not regrown row by row every minute.</param>
internal sealed class MinuteRollup(DateTimeOffset bucket, MinuteRollup.Sizes expected = default)
{
    public DateTimeOffset Bucket { get; } = bucket;

    /// <summary>Batches folded in; the minute is written from memory only when the journal holds exactly this many.</summary>
    public int Batches { get; set; }

    public Dictionary<IpvsSeries, IpvsTotals> Ipvs { get; } = new(expected.Ipvs);

    public Dictionary<long, CounterTotals> Rules { get; } = new(expected.Rules);

    public Dictionary<(long Filter, string Reason), CounterTotals> NsxCounters { get; } = new(expected.Nsx);

    public Sizes Size => new(Ipvs.Count, Rules.Count, NsxCounters.Count);

    public readonly record struct Sizes(int Ipvs, int Rules, int Nsx);

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
