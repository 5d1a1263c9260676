using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Ingest;

/// <summary>
/// A validated batch and what it turns into (real servers joined with their connection counts, iptables rules flattened),
/// worked out once and read by storage, the live store and nothing else; neither changes it.
/// </summary>
public sealed class NormalizedBatch(AgentBatch batch)
{
    private IReadOnlyList<RealServerSample>? _realServers;
    private IReadOnlyList<FlatRule>? _rules;

    public AgentBatch Batch => batch;

    public IReadOnlyList<RealServerSample> RealServers =>
        _realServers ??= batch.Ipvs is { } ipvs ? RealServerSample.Join(ipvs.Services, ipvs.Connections) : [];

    public IReadOnlyList<FlatRule> Rules =>
        _rules ??= batch.Iptables is { Count: > 0 } dumps ? FlatRule.Flatten(dumps) : [];

    /// <summary>
    /// Rows of the batch as the ingest answer and the journal count them: a real server, a virtual service, a rule or chain
    /// policy, an NSX filter counter or rule, a keepalived instance or real-server check each count one.
    /// </summary>
    public int Count =>
        (batch.Ipvs is { } ipvs ? RealServers.Count + (ipvs.Services?.Services.Count ?? 0) : 0)
        + Rules.Count
        + (batch.Nsx is { } nsx ? nsx.Filters.Sum(f => f.Counters.Count) + nsx.Rules.Count : 0)
        + (batch.Keepalived is { } k ? k.Instances.Count + k.RealServers.Count : 0);
}
