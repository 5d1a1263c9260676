using Dapper;
using Dashboard.Server.Storage.Frames;

namespace Dashboard.Server.Storage;

public sealed record SeriesView(string Resolution, IReadOnlyList<SeriesRow> Points);

public sealed record SeriesRow(DateTime At, double Connections, double SynRecv, double SynRecvMax);

/// <summary>
/// A VIP's connections and SYN_RECV over time from the finest tier whose points still fit a chart: every push up to
/// <see cref="RawUpTo"/>, one-minute rollups up to <see cref="MinutesUpTo"/>, one-hour rollups beyond.
/// </summary>
public sealed class SeriesRepository(DashboardDatabase database, FrameReader reader)
{
    public static readonly TimeSpan RawUpTo = TimeSpan.FromHours(2);
    public static readonly TimeSpan MinutesUpTo = TimeSpan.FromDays(2);

    public static FrameTier TierFor(TimeSpan range) => range <= RawUpTo ? FrameTier.Raw : range <= MinutesUpTo ? FrameTier.Minute : FrameTier.Hour;

    public async Task<SeriesView> VipSeriesAsync(string director, string protocol, string virtualAddress, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        const string ids = "select id from ipvs_real_servers where director = @director and protocol = @protocol and virtual = @virtualAddress";
        var ofVip = (await conn.QueryAsync<long>(new CommandDefinition(ids, new { director, protocol, virtualAddress }, cancellationToken: ct))).ToHashSet();
        var tier = TierFor(to - from);
        var frames = await reader.ReadRangeAsync(conn, tier, director, FrameKind.IpvsRealServers, Bucket(from, tier), to, ct);
        var points = new List<SeriesRow>(frames.Count);
        foreach (var frame in frames)
        {
            var data = frame.Data;
            var members = Enumerable.Range(0, data.Series.Count).Where(i => ofVip.Contains(data.Series[i])).ToArray();
            if (members.Length == 0)
            {
                continue;
            }

            points.Add(tier == FrameTier.Raw ? RawPoint(frame.At, data, members) : RollupPoint(frame.At, data, members));
        }

        return new SeriesView(tier == FrameTier.Raw ? "raw" : tier == FrameTier.Minute ? "1m" : "1h", points);
    }

    /// <summary>A rollup bucket that started before <paramref name="from"/> but covers it is included.</summary>
    private static DateTimeOffset Bucket(DateTimeOffset from, FrameTier tier) =>
        tier.Bucket > TimeSpan.Zero ? new DateTimeOffset(from.UtcTicks - from.UtcTicks % tier.Bucket.Ticks, TimeSpan.Zero) : from;

    private static SeriesRow RawPoint(DateTimeOffset at, FrameData data, int[] members)
    {
        var synRecv = data.FieldIndex(Core.Ipvs.RealServerSample.SynRecvState);
        double connections = 0, syn = 0;
        foreach (var i in members)
        {
            for (var f = FrameFields.IpvsRealServerFixed.Length; f < data.Fields.Count; f++)
            {
                connections += data.Values[f][i] ?? 0;
            }

            syn += synRecv >= 0 ? data.Values[synRecv][i] ?? 0 : 0;
        }

        return new SeriesRow(at.UtcDateTime, connections, syn, syn);
    }

    private static SeriesRow RollupPoint(DateTimeOffset at, FrameData data, int[] members)
    {
        double connections = 0, syn = 0, synMax = 0;
        foreach (var i in members)
        {
            if (data.Values[0][i] is not { } samples || samples == 0)
            {
                continue;
            }

            connections += (double)(data.Values[1][i] ?? 0) / samples;
            syn += (double)(data.Values[3][i] ?? 0) / samples;
            synMax += data.Values[4][i] ?? 0;
        }

        return new SeriesRow(at.UtcDateTime, connections, syn, synMax);
    }
}
