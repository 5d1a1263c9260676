using System.Diagnostics;
using Dashboard.Server.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>The naive way: one INSERT statement per row, autocommit, one connection; bounded in rows and time, rows/s extrapolated.</summary>
public static class InsertBaseline
{
    public static async Task<BaselineResult> RunAsync(NpgsqlDataSource dataSource, BaselineRows rows, int count, TimeSpan limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        using var realServers = rows.RealServers(count / 2 + 1).GetEnumerator();
        using var rules = rows.RuleCounters(count / 2 + 1).GetEnumerator();
        long inserted = 0;
        var watch = Stopwatch.StartNew();
        while (inserted < count && watch.Elapsed < limit)
        {
            // Alternate the two tables, so a time-bounded run still covers both.
            if (inserted % 2 == 0 && realServers.MoveNext())
            {
                var (at, director, s) = realServers.Current;
                const string insert = """
                    insert into baseline_ipvs_rs_samples (collected_at, director, protocol, virtual, destination, forward, weight,
                        active_conn, inact_conn, connections, syn_recv, templates, by_state)
                    values (@at, @director, @protocol, @virtual, @destination, @forward, @weight,
                        @active, @inactive, @connections, @synRecv, @templates, @byState)
                    """;
                await using var command = new NpgsqlCommand(insert, conn);
                command.Parameters.AddWithValue("at", at);
                command.Parameters.AddWithValue("director", director);
                command.Parameters.AddWithValue("protocol", s.Protocol);
                command.Parameters.AddWithValue("virtual", s.Virtual);
                command.Parameters.AddWithValue("destination", s.Destination);
                command.Parameters.AddWithValue("forward", (object?)s.Forward ?? DBNull.Value);
                command.Parameters.AddWithValue("weight", (object?)s.Weight ?? DBNull.Value);
                command.Parameters.AddWithValue("active", (object?)s.ActiveConn ?? DBNull.Value);
                command.Parameters.AddWithValue("inactive", (object?)s.InActConn ?? DBNull.Value);
                command.Parameters.AddWithValue("connections", s.Connections);
                command.Parameters.AddWithValue("synRecv", s.SynRecv);
                command.Parameters.AddWithValue("templates", s.Templates);
                command.Parameters.AddWithValue("byState", NpgsqlDbType.Jsonb, BaselineJson.ByState(s.ByState));
                await command.ExecuteNonQueryAsync(ct);
            }
            else if (rules.MoveNext())
            {
                var (at, ruleId, packets, bytes) = rules.Current;
                const string insert = """
                    insert into baseline_iptables_rule_samples (collected_at, rule_id, packets, bytes)
                    values (@at, @ruleId, @packets, @bytes)
                    """;
                await using var command = new NpgsqlCommand(insert, conn);
                command.Parameters.AddWithValue("at", at);
                command.Parameters.AddWithValue("ruleId", ruleId);
                command.Parameters.AddWithValue("packets", packets);
                command.Parameters.AddWithValue("bytes", bytes);
                await command.ExecuteNonQueryAsync(ct);
            }
            else
            {
                break;
            }

            inserted++;
        }

        return new BaselineResult("row-by-row INSERT, autocommit, 1 connection", inserted, watch.Elapsed);
    }
}
