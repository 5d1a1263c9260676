using Dashboard.Core.Diagnosis;
using Dashboard.Server.Live;

namespace Dashboard.Server.Alerting.Rules;

/// <summary>Everything the rules look at in one evaluation.</summary>
public sealed record AlertInputs(
    DateTimeOffset Now,
    IReadOnlyList<HostSnapshot> Hosts,
    TopologyIndex Topology,
    IReadOnlyDictionary<string, (string Role, DateTimeOffset LastSeen)> KnownHosts,
    IReadOnlyList<TrackedFinding> OpenFindings)
{
    private readonly HashSet<string> _present = Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when the live store holds data of this host (after a restart it holds none until the host reports).</summary>
    public bool HasLiveData(string host) => _present.Contains(host);
}
