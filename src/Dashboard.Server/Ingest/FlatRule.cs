using Dashboard.Core.Iptables;

namespace Dashboard.Server.Ingest;

/// <summary>What identifies and describes a rule, or a built-in chain's policy (identity "policy:TABLE:CHAIN"), without its counters.</summary>
public sealed record RuleText(string Namespace, string Table, string Chain, string Identity, int Position, string? Target,
    string? Comment, string Spec, string? DropKind, string? NeutronPort, string? NeutronDirection);

/// <summary>One counter row: a rule or policy and its counters in this dump.</summary>
public sealed record FlatRule(RuleText Text, ulong Packets, ulong Bytes)
{
    /// <summary>Every rule and chain policy of the dumps, each with an identity unique within its namespace.</summary>
    public static List<FlatRule> Flatten(IEnumerable<IptablesDump> dumps)
    {
        var result = new List<FlatRule>();
        foreach (var dump in dumps)
        {
            var ns = dump.Namespace ?? "";
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var table in dump.Tables)
            {
                foreach (var chain in table.Chains)
                {
                    if (chain.Policy is { Length: > 0 } policy && policy != "-")
                    {
                        result.Add(new FlatRule(new RuleText(ns, table.Name, chain.Name, $"policy:{table.Name}:{chain.Name}", 0, policy, null, "",
                            null, chain.Neutron?.Port, chain.Neutron?.Direction), chain.Packets, chain.Bytes));
                    }

                    foreach (var rule in chain.Rules)
                    {
                        var identity = rule.Identity is { Length: > 0 } id ? id : $"{table.Name}:{chain.Name}:{rule.Index}";
                        // iptables allows identical rules in one chain; the n-th copy gets its own identity.
                        var occurrence = seen[identity] = seen.GetValueOrDefault(identity) + 1;
                        if (occurrence > 1)
                        {
                            identity = $"{identity}#{occurrence}";
                        }

                        result.Add(new FlatRule(new RuleText(ns, table.Name, chain.Name, identity, rule.Index, rule.Target, rule.Comment, rule.Spec,
                            rule.DropKind, rule.Neutron?.Port, rule.Neutron?.Direction), rule.Packets, rule.Bytes));
                    }
                }
            }
        }

        return result;
    }
}
