using Dashboard.Core.Rates;

namespace Dashboard.Server.Storage.Frames;

/// <summary>
/// Folds frames into rollup frames. Real servers: samples, sums and maxima of connections (all states) and SYN_RECV. Counters:
/// their increase over the bucket, by <see cref="CounterMath"/> (a counter that went down restarted at zero), starting from
/// the last frame before the bucket when it is at most <see cref="Carry"/> older. Gauges other than the connection counts
/// are not rolled up. Series keep the order in which they first appear, so a VIP's real servers stay side by side.
/// </summary>
public static class FrameRollup
{
    /// <summary>A counter's previous sample counts only from this far back.</summary>
    public static readonly TimeSpan Carry = TimeSpan.FromMinutes(2);

    /// <summary>Rolls raw frames of one host and kind in a bucket; <paramref name="before"/> is the host's last frame before it, if any.</summary>
    public static FrameData? FoldRaw(FrameKind kind, DateTimeOffset bucket, StoredFrame? before, IReadOnlyList<StoredFrame> frames)
    {
        if (frames.Count == 0)
        {
            return null;
        }

        return kind == FrameKind.IpvsRealServers ? FoldRealServers(frames) : FoldCounters(kind, bucket, before, frames);
    }

    /// <summary>Rolls rollup frames (minutes into an hour): maxima of the "_max" fields, sums of the rest.</summary>
    public static FrameData? FoldRollups(FrameKind kind, IReadOnlyList<FrameData> frames)
    {
        if (frames.Count == 0)
        {
            return null;
        }

        var fields = frames[0].Fields;
        var (series, index) = SeriesUnion(frames);
        var values = fields.Select(_ => new long?[series.Count]).ToArray();
        foreach (var frame in frames)
        {
            for (var f = 0; f < fields.Count; f++)
            {
                var own = frame.FieldIndex(fields[f]);
                if (own < 0)
                {
                    continue;
                }

                var isMax = fields[f].EndsWith("_max", StringComparison.Ordinal);
                for (var s = 0; s < frame.Series.Count; s++)
                {
                    if (frame.Values[own][s] is not { } v)
                    {
                        continue;
                    }

                    ref var target = ref values[f][index[frame.Series[s]]];
                    target = target is not { } t ? v : isMax ? Math.Max(t, v) : checked(t + v);
                }
            }
        }

        return new FrameData(kind, fields, series, values);
    }

    private static FrameData FoldRealServers(IReadOnlyList<StoredFrame> frames)
    {
        var (series, index) = SeriesUnion(frames.Select(f => f.Data));
        var values = FrameFields.IpvsRealServerRollup.Select(_ => new long?[series.Count]).ToArray();
        foreach (var frame in frames)
        {
            var data = frame.Data;
            var synRecv = data.FieldIndex(Core.Ipvs.RealServerSample.SynRecvState);
            for (var s = 0; s < data.Series.Count; s++)
            {
                long connections = 0;
                for (var f = FrameFields.IpvsRealServerFixed.Length; f < data.Fields.Count; f++)
                {
                    connections += data.Values[f][s] ?? 0;
                }

                var syn = synRecv >= 0 ? data.Values[synRecv][s] ?? 0 : 0;
                var i = index[data.Series[s]];
                values[0][i] = (values[0][i] ?? 0) + 1;
                values[1][i] = checked((values[1][i] ?? 0) + connections);
                values[2][i] = Math.Max(values[2][i] ?? 0, connections);
                values[3][i] = checked((values[3][i] ?? 0) + syn);
                values[4][i] = Math.Max(values[4][i] ?? 0, syn);
            }
        }

        return new FrameData(FrameKind.IpvsRealServers, FrameFields.IpvsRealServerRollup, series, values);
    }

    private static FrameData FoldCounters(FrameKind kind, DateTimeOffset bucket, StoredFrame? before, IReadOnlyList<StoredFrame> frames)
    {
        var counters = frames[0].Data.Fields.Where(f => FrameFields.IsCounter(kind, f)).ToArray();
        var (series, index) = SeriesUnion(frames.Select(f => f.Data));
        var values = counters.Select(_ => new long?[series.Count]).ToArray();
        // Each counter's last value seen, by series id: from the frame before the bucket when recent enough, then frame by frame.
        var last = counters.Select(_ => new Dictionary<long, long>()).ToArray();
        if (before is not null && before.At >= bucket - Carry)
        {
            Fold(before.Data, count: false);
        }

        foreach (var frame in frames)
        {
            Fold(frame.Data, count: true);
        }

        void Fold(FrameData data, bool count)
        {
            for (var c = 0; c < counters.Length; c++)
            {
                var f = data.FieldIndex(counters[c]);
                if (f < 0)
                {
                    continue;
                }

                for (var s = 0; s < data.Series.Count; s++)
                {
                    if (data.Values[f][s] is not { } value)
                    {
                        continue;
                    }

                    var id = data.Series[s];
                    if (count && index.TryGetValue(id, out var i))
                    {
                        var increase = last[c].TryGetValue(id, out var previous) ? (long)CounterMath.Increase((ulong)previous, (ulong)value, out _) : 0;
                        values[c][i] = checked((values[c][i] ?? 0) + increase);
                    }

                    last[c][id] = value;
                }
            }
        }

        return new FrameData(kind, counters, series, values);
    }

    private static (List<long> Series, Dictionary<long, int> Index) SeriesUnion(IEnumerable<FrameData> frames)
    {
        var series = new List<long>();
        var index = new Dictionary<long, int>();
        foreach (var frame in frames)
        {
            foreach (var id in frame.Series)
            {
                if (index.TryAdd(id, series.Count))
                {
                    series.Add(id);
                }
            }
        }

        return (series, index);
    }
}
