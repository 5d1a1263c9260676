using System.Data;
using Dapper;
using Npgsql;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// Hours of one-minute rule and filter rollups put into today's partitions before the fleet starts, so that a run measures
/// ingest as it is hours into a day (each minute's rollups then go into an index of millions of rows), not on a fresh day.
/// </summary>
public static class RollupHistory
{
    /// <summary>Fills <paramref name="hours"/> from the start of today (UTC), vacuums and checkpoints; returns the rows written.</summary>
    public static async Task<long> FillAsync(NpgsqlDataSource dataSource, int hours, int rules, int filters, int reasons, CancellationToken ct)
    {
        if (hours is < 1 or > 23)
        {
            throw new ArgumentOutOfRangeException(nameof(hours), hours, "between 1 and 23 hours of the day");
        }

        var from = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var minutes = hours * 60;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // Rows go in in the order of the tables' keys (minute first), as a day's minutes leave them.
        var rows = await conn.ExecuteAsync(new CommandDefinition(RulesSql, new { from, minutes, rules }, commandTimeout: 0, cancellationToken: ct));
        rows += await conn.ExecuteAsync(new CommandDefinition(FiltersSql, new { from, minutes, filters, reasons }, commandTimeout: 0, cancellationToken: ct));
        // Autovacuum keeps up with a partition through the day; left to it here, it would vacuum all the hours at once during the run.
        await conn.ExecuteAsync(new CommandDefinition("vacuum (analyze) iptables_rule_rollup_1m, nsx_filter_rollup_1m", commandTimeout: 0, cancellationToken: ct));
        // Text spelled out: Dapper takes a one-word command for a stored procedure's name.
        await conn.ExecuteAsync(new CommandDefinition("checkpoint", commandTimeout: 0, commandType: CommandType.Text, cancellationToken: ct));
        return rows;
    }

    private const string RulesSql = """
        insert into iptables_rule_rollup_1m (bucket, rule_id, packets_last, bytes_last, packets_delta, bytes_delta)
        select @from + m * interval '1 minute', r, m * 600, m * 90000, 600, 90000
        from generate_series(0, @minutes - 1) m, generate_series(1, @rules) r
        order by m, r
        on conflict do nothing
        """;

    private const string FiltersSql = """
        insert into nsx_filter_rollup_1m (bucket, filter_id, reason, value_last, delta)
        select @from + m * interval '1 minute', f, 'reason-' || reason, m * 600, 600
        from generate_series(0, @minutes - 1) m, generate_series(1, @filters) f, generate_series(1, @reasons) reason
        order by m, f, reason
        on conflict do nothing
        """;
}
