using Dapper;

namespace Dashboard.Server.Storage;

public sealed record SeriesView(string Resolution, IReadOnlyList<SeriesRow> Points);

public sealed record SeriesRow(DateTime At, double Connections, double SynRecv, double SynRecvMax);

public sealed record DropSeriesView(string Resolution, IReadOnlyList<DropRateRow> Rules, IReadOnlyList<NsxReasonRateRow> Reasons);

/// <summary>Packets per second one dropping rule counted over a sample interval (raw) or a minute (rollup); null across a counter reset.</summary>
public sealed record DropRateRow(DateTime At, long RuleId, string Chain, int Position, string? Comment, string? DropKind, string? Port, double? Rate);

/// <summary>Drops per second of one NSX filter for one reason.</summary>
public sealed record NsxReasonRateRow(DateTime At, string Filter, string Reason, double? Rate);

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

    /// <summary>Drop rates of one hypervisor's dropping rules (known drop kinds, DROP and REJECT targets) and NSX reasons over a range.</summary>
    public async Task<DropSeriesView> DropSeriesAsync(string host, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        if (to - from <= RawUpTo)
        {
            // The sample before the range is read too, so the first point in range has a rate.
            const string rawRules = """
                select at, rule_id, chain, position, comment, drop_kind, port, rate
                from (
                    select s.collected_at as at, r.id as rule_id, r.chain, r.position, r.comment, r.drop_kind, r.neutron_port as port,
                           case when s.packets >= lag(s.packets) over w
                                then (s.packets - lag(s.packets) over w)::float8 / nullif(extract(epoch from s.collected_at - lag(s.collected_at) over w), 0)
                           end as rate,
                           lag(s.collected_at) over w as previous
                    from iptables_rule_samples s
                    join iptables_rules r on r.id = s.rule_id
                    where r.host = @host and (r.drop_kind is not null or r.target in ('DROP', 'REJECT'))
                      and s.collected_at >= @from - interval '5 minutes' and s.collected_at < @to
                    window w as (partition by s.rule_id order by s.collected_at)
                ) rates
                where at >= @from and previous is not null
                order by at
                """;
            var rules = await conn.QueryAsync<DropRateRow>(new CommandDefinition(rawRules, new { host, from, to }, cancellationToken: ct));
            const string rawReasons = """
                select at, filter, reason, rate
                from (
                    select s.collected_at as at, f.name as filter, s.reason,
                           case when s.value >= lag(s.value) over w
                                then (s.value - lag(s.value) over w)::float8 / nullif(extract(epoch from s.collected_at - lag(s.collected_at) over w), 0)
                           end as rate,
                           lag(s.collected_at) over w as previous
                    from nsx_filter_samples s
                    join nsx_filters f on f.id = s.filter_id
                    where f.host = @host and s.collected_at >= @from - interval '5 minutes' and s.collected_at < @to
                    window w as (partition by s.filter_id, s.reason order by s.collected_at)
                ) rates
                where at >= @from and previous is not null
                order by at
                """;
            var reasons = await conn.QueryAsync<NsxReasonRateRow>(new CommandDefinition(rawReasons, new { host, from, to }, cancellationToken: ct));
            return new DropSeriesView("raw", rules.AsList(), reasons.AsList());
        }

        const string rollupRules = """
            select x.bucket as at, r.id as rule_id, r.chain, r.position, r.comment, r.drop_kind, r.neutron_port as port,
                   x.packets_delta::float8 / 60 as rate
            from iptables_rule_rollup_1m x
            join iptables_rules r on r.id = x.rule_id
            where r.host = @host and (r.drop_kind is not null or r.target in ('DROP', 'REJECT'))
              and x.bucket >= @from and x.bucket < @to
            order by x.bucket
            """;
        var ruleRollups = await conn.QueryAsync<DropRateRow>(new CommandDefinition(rollupRules, new { host, from, to }, cancellationToken: ct));
        const string rollupReasons = """
            select x.bucket as at, f.name as filter, x.reason, x.delta::float8 / 60 as rate
            from nsx_filter_rollup_1m x
            join nsx_filters f on f.id = x.filter_id
            where f.host = @host and x.bucket >= @from and x.bucket < @to
            order by x.bucket
            """;
        var reasonRollups = await conn.QueryAsync<NsxReasonRateRow>(new CommandDefinition(rollupReasons, new { host, from, to }, cancellationToken: ct));
        return new DropSeriesView("1m", ruleRollups.AsList(), reasonRollups.AsList());
    }
}
