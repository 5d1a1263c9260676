using Dashboard.Server.Ingest;
using Dapper;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// The rows the fleet's agents push, produced by the same payload sources and flattened the way the server flattens them,
/// for the baselines: real-server samples of the directors, rule counters of the hypervisors with their stored rule ids.
/// </summary>
public sealed class BaselineRows
{
    private readonly IReadOnlyList<SimulatedAgent> _directors;
    private readonly IReadOnlyList<(SimulatedAgent Agent, Dictionary<string, long> Ids)> _hypervisors;
    private readonly DateTimeOffset _start;

    private BaselineRows(IReadOnlyList<SimulatedAgent> directors, IReadOnlyList<(SimulatedAgent, Dictionary<string, long>)> hypervisors, DateTimeOffset start)
    {
        _directors = directors;
        _hypervisors = hypervisors;
        _start = start;
    }

    /// <summary>Reads the rule ids the fleet's hypervisors registered during the load phases.</summary>
    public static async Task<BaselineRows> CreateAsync(Fleet fleet, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var hypervisors = new List<(SimulatedAgent, Dictionary<string, long>)>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // The row-per-number layout of before, as plain tables: what the same numbers cost the obvious ways in.
        const string tables = """
            create table if not exists baseline_ipvs_rs_samples (like legacy_ipvs_rs_samples);
            create table if not exists baseline_iptables_rule_samples (like legacy_iptables_rule_samples)
            """;
        await conn.ExecuteAsync(new CommandDefinition(tables, cancellationToken: ct));
        foreach (var agent in fleet.Agents.Where(a => a.Payload is HypervisorPayload))
        {
            const string sql = "select namespace, identity, id from iptables_rules where host = @host";
            var ids = (await conn.QueryAsync<(string Namespace, string Identity, long Id)>(new CommandDefinition(sql, new { host = agent.Host }, cancellationToken: ct)))
                .ToDictionary(r => r.Namespace + "\u001f" + r.Identity, r => r.Id, StringComparer.Ordinal);
            hypervisors.Add((agent, ids));
        }

        var directors = fleet.Agents.Where(a => a.Payload is DirectorPayload).ToList();
        return new BaselineRows(directors, hypervisors, DateTimeOffset.UtcNow);
    }

    public IEnumerable<(DateTimeOffset At, string Director, RealServerSample Sample)> RealServers(int count)
    {
        var produced = 0;
        for (var push = 1; ; push++)
        {
            var at = _start.AddSeconds(5 * push);
            foreach (var agent in _directors)
            {
                var ipvs = agent.Payload.Next(agent.Host, push, at).Ipvs!;
                foreach (var sample in RealServerSample.Join(ipvs.Services, ipvs.Connections))
                {
                    if (produced++ == count)
                    {
                        yield break;
                    }

                    yield return (at, agent.Host, sample);
                }
            }
        }
    }

    public IEnumerable<(DateTimeOffset At, long RuleId, long Packets, long Bytes)> RuleCounters(int count)
    {
        var produced = 0;
        for (var push = 1; ; push++)
        {
            var at = _start.AddSeconds(5 * push);
            foreach (var (agent, ids) in _hypervisors)
            {
                foreach (var rule in FlatRule.Flatten(agent.Payload.Next(agent.Host, push, at).Iptables!))
                {
                    if (produced++ == count)
                    {
                        yield break;
                    }

                    yield return (at, ids[rule.Text.Namespace + "\u001f" + rule.Text.Identity], DbValues.Saturate(rule.Packets), DbValues.Saturate(rule.Bytes));
                }
            }
        }
    }
}
