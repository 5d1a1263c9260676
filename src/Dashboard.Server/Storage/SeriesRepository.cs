using Dapper;

namespace Dashboard.Server.Storage;

public sealed record SeriesView(string Resolution, IReadOnlyList<SeriesRow> Points);

public sealed record SeriesRow(DateTime At, double Connections, double SynRecv, double SynRecvMax);

/// <summary>Time series whose resolution follows the range: raw samples for hours, one-minute rollups beyond.</summary>
public sealed class SeriesRepository(DashboardDatabase database)
{
    public static readonly TimeSpan RawUpTo = TimeSpan.FromHours(6);

    public async Task<SeriesView> VipSeriesAsync(string director, string protocol, string virtualAddress, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        if (to - from <= RawUpTo)
        {
            const string raw = """
                select collected_at as at, sum(connections)::float8 as connections, sum(syn_recv)::float8 as syn_recv,
                       sum(syn_recv)::float8 as syn_recv_max
                from ipvs_rs_samples
                where director = @director and protocol = @protocol and virtual = @virtualAddress
                  and collected_at >= @from and collected_at < @to
                group by collected_at
                order by collected_at
                """;
            var rows = await conn.QueryAsync<SeriesRow>(new CommandDefinition(raw, new { director, protocol, virtualAddress, from, to }, cancellationToken: ct));
            return new SeriesView("raw", rows.AsList());
        }

        const string rollup = """
            select bucket as at, sum(connections_avg) as connections, sum(syn_recv_avg) as syn_recv, sum(syn_recv_max)::float8 as syn_recv_max
            from ipvs_rs_rollup_1m
            where director = @director and protocol = @protocol and virtual = @virtualAddress
              and bucket >= @from and bucket < @to
            group by bucket
            order by bucket
            """;
        var points = await conn.QueryAsync<SeriesRow>(new CommandDefinition(rollup, new { director, protocol, virtualAddress, from, to }, cancellationToken: ct));
        return new SeriesView("1m", points.AsList());
    }
}
