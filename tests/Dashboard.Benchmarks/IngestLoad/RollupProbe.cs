using System.Diagnostics;
using Dapper;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// What one StorageMaintenanceService rollup pass costs once the fleet's data is in: each table's statement over the
/// window a keeping-up pass covers, with a longer timeout than the server's 30 s so the time is known even when it fails there.
/// </summary>
public static class RollupProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static async Task<IReadOnlyList<(string Rollup, long RawRowsRead, TimeSpan Waited, string Seconds)>> RunAsync(LoadServer server, CancellationToken ct)
    {
        // A pass that keeps up rolls the one minute that has just settled.
        var to = RollupBuilder.SettledBefore(DateTimeOffset.UtcNow);
        var from = to.AddMinutes(-1);
        var results = new List<(string, long, TimeSpan, string)>();
        foreach (var (rollup, sql, raw) in new[]
        {
            ("ipvs_rs_rollup_1m", RollupBuilder.IpvsSql, "ipvs_rs_samples"),
            ("iptables_rule_rollup_1m", RollupBuilder.IptablesSql, "iptables_rule_samples"),
            ("nsx_filter_rollup_1m", RollupBuilder.NsxSql, "nsx_filter_samples"),
        })
        {
            await using var conn = await server.DataSource.OpenConnectionAsync(ct);
            // Table names are code constants above; counter rollups take each counter's previous value from the rollup of its last minute.
            var count = $"select count(*) from {raw} where collected_at >= @from and collected_at < @to";
            var rows = await conn.ExecuteScalarAsync<long>(new CommandDefinition(count, new { from, to }, commandTimeout: (int)Timeout.TotalSeconds, cancellationToken: ct));
            var watch = Stopwatch.StartNew();
            var waited = TimeSpan.Zero;
            try
            {
                // Not disposed on failure: a timed-out connection is closed whole, and its transaction with it.
                var tx = await conn.BeginTransactionAsync(ct);
                // The service's own pass upserts the same rows in another order: run after it, not beside it (that deadlocks).
                var exclusive = $"lock table {rollup} in share row exclusive mode";
                await conn.ExecuteAsync(new CommandDefinition(exclusive, transaction: tx, commandTimeout: (int)Timeout.TotalSeconds, cancellationToken: ct));
                waited = watch.Elapsed;
                watch.Restart();
                await conn.ExecuteAsync(new CommandDefinition(RollupBuilder.PassSettingsSql, transaction: tx, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition(sql, new { from, to }, tx, commandTimeout: (int)Timeout.TotalSeconds, cancellationToken: ct));
                await tx.CommitAsync(ct);
                results.Add((rollup, rows, waited, watch.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
            }
            catch (NpgsqlException e) when (e.InnerException is TimeoutException)
            {
                results.Add((rollup, rows, waited, $"> {Timeout.TotalSeconds:F0} (timed out)"));
            }
        }

        return results;
    }

    /// <summary>How far behind each rollup's watermark is: the server's own passes are not keeping up when this grows.</summary>
    public static async Task<string> WatermarkLagAsync(LoadServer server, CancellationToken ct)
    {
        await using var conn = await server.DataSource.OpenConnectionAsync(ct);
        const string sql = "select name, extract(epoch from now() - upto)::float8 as behind from rollup_watermarks order by name";
        var rows = await conn.QueryAsync<(string Name, double Behind)>(new CommandDefinition(sql, cancellationToken: ct));
        var text = string.Join(", ", rows.Select(r => $"{r.Name} {r.Behind:F0} s behind"));
        return text.Length > 0 ? text : "no watermark yet (no pass has completed)";
    }
}
