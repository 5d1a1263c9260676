using Dashboard.Core.Batches;

namespace Dashboard.Server.Ingest;

/// <summary>
/// A token speaks only for its hosts and only about the kinds of data its role collects (director: IPVS and keepalived;
/// hypervisor: iptables and Neutron; nsx: NSX), as Zabbix binds an agent to its host by PSK identity.
/// </summary>
public static class IngestAuthorizer
{
    private static readonly Dictionary<string, string[]> s_kindsOfRole = new(StringComparer.Ordinal)
    {
        ["director"] = ["ipvs", "keepalived"],
        ["hypervisor"] = ["iptables"],
        ["nsx"] = ["nsx"],
    };

    /// <summary>Why the batch may not be taken from this origin, naming the host and the token; null when it may.</summary>
    public static string? Refusal(AgentBatch batch, BatchOrigin origin, bool requireBoundTokens)
    {
        if (origin.Scope is null && requireBoundTokens)
        {
            return $"token '{origin.TokenName}' is not bound to any host (made before host scopes); bind it with `token bind {origin.TokenName} --host {batch.Host}`";
        }

        if (origin.Scope is { } scope && !scope.Allows(batch.Host))
        {
            return $"token '{origin.TokenName}' may not send data for host '{batch.Host}'; it speaks for {(scope.Hosts.Count == 0 && scope.Pattern is null ? "no host" : scope.ToString())}";
        }

        var allowed = s_kindsOfRole.GetValueOrDefault(origin.Role, []);
        var foreign = KindsIn(batch).Where(kind => !allowed.Contains(kind)).ToList();
        return foreign.Count == 0
            ? null
            : $"token '{origin.TokenName}' ({origin.Role}) may not send {string.Join(" or ", foreign)} data for host '{batch.Host}'; a {origin.Role} sends {string.Join(" and ", allowed)}";
    }

    private static IEnumerable<string> KindsIn(AgentBatch batch)
    {
        if (batch.Ipvs is not null)
        {
            yield return "ipvs";
        }

        if (batch.Keepalived is not null)
        {
            yield return "keepalived";
        }

        if (batch.Iptables is not null)
        {
            yield return "iptables";
        }

        if (batch.Nsx is not null)
        {
            yield return "nsx";
        }
    }
}
