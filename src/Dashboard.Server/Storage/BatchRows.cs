using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Storage;

/// <summary>
/// The rows a batch turns into (real servers joined with their connection counts, iptables rules flattened), worked out
/// once and shared by the writer and the live store. A batch is not changed after it is read.
/// </summary>
public sealed class BatchRows(AgentBatch batch)
{
    private IReadOnlyList<RealServerSample>? _realServers;
    private IReadOnlyList<IptablesSampleWriter.FlatRule>? _rules;

    public AgentBatch Batch => batch;

    public IReadOnlyList<RealServerSample> RealServers =>
        _realServers ??= batch.Ipvs is { } ipvs ? RealServerSample.Join(ipvs.Services, ipvs.Connections) : [];

    /// <summary>Rows the batch stores in all tables (the journal's row count).</summary>
    public int Count => IpvsSampleWriter.CountRows(this) + IptablesSampleWriter.CountRows(batch.Iptables)
        + NsxSampleWriter.CountRows(batch.Nsx) + KeepalivedStateWriter.CountRows(batch.Keepalived);

    public IReadOnlyList<IptablesSampleWriter.FlatRule> Rules =>
        _rules ??= batch.Iptables is { Count: > 0 } dumps ? IptablesSampleWriter.Flatten(dumps) : [];

    /// <summary>The stored id of each of <see cref="Rules"/>, in the same order, once the batch is written.</summary>
    public IReadOnlyList<long> RuleIds { get; internal set; } = [];

    /// <summary>The stored id of each NSX filter by name, once the batch is written.</summary>
    public IReadOnlyDictionary<string, long> FilterIds { get; internal set; } = new Dictionary<string, long>();
}
