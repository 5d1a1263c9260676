using System.Text;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// A Neutron compute node: `iptables-save -c` of its own ports (Neutron chains, comments, drop kinds, identities, allowed
/// pairs) parsed once by the agent's parser; each push carries the same rules with every counter grown by its own rate.
/// </summary>
public sealed class HypervisorPayload : IPayloadSource
{
    // Rules the generator writes per Neutron port and outside any port.
    private const int RulesPerPort = 26;
    private const int FixedRules = 9;
    private const int LinesPerPort = 29;
    private const int FixedLines = 26;

    private readonly IptablesDump _template;
    private readonly Dictionary<IptablesRule, (ulong Packets, ulong Size)> _rates = new(ReferenceEqualityComparer.Instance);
    private readonly List<(IptablesRule Template, IptablesRule Copy)> _rules = [];
    private readonly List<(IptablesChain Template, IptablesChain Copy)> _chains = [];
    private AgentBatch? _batch;

    public HypervisorPayload(int index, int rules)
    {
        var ports = Math.Max(1, (int)Math.Ceiling((rules - FixedRules) / (double)RulesPerPort));
        using var text = new StringWriter { NewLine = "\n" };
        new IptablesSaveGenerator().Write(text, FixedLines + ports * LinesPerPort, seed: 5000 + index);
        _template = IptablesSaveParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()))).Value;
        var random = new Random(index);
        foreach (var rule in _template.Tables.SelectMany(t => t.Chains).SelectMany(c => c.Rules))
        {
            // Busy rules stay busy: a push adds a small fraction of what the rule has counted so far.
            var perPush = rule.Packets / 2000 + (ulong)random.Next(0, 3);
            _rates[rule] = (perPush, rule.Packets > 0 ? Math.Max(1, rule.Bytes / rule.Packets) : 90);
        }
    }

    public string Role => "hypervisor";

    public int RuleCount => _rates.Count;

    /// <summary>Send no Neutron ports: what the server would write if it skipped ports it had already stored unchanged.</summary>
    public bool OmitNeutronPorts { get; set; }

    public AgentBatch Next(string host, long sequence, DateTimeOffset collectedAt)
    {
        var pushes = (ulong)sequence;
        _batch ??= Build();
        // Counters change in place: an agent sends one push at a time, and the batch is serialized before the next.
        foreach (var (rule, copy) in _rules)
        {
            var (perPush, size) = _rates[rule];
            copy.Packets = rule.Packets + perPush * pushes;
            copy.Bytes = rule.Bytes + perPush * pushes * size;
        }

        foreach (var (chain, copy) in _chains)
        {
            copy.Packets = chain.Packets + pushes * 40;
            copy.Bytes = chain.Bytes + pushes * 40 * 600;
        }

        _batch.Iptables![0].NeutronPorts = OmitNeutronPorts ? [] : _template.NeutronPorts;
        (_batch.Host, _batch.Sequence, _batch.CollectedAt) = (host, sequence, collectedAt);
        return _batch;
    }

    /// <summary>The batch's shape, built once from the template: every rule and chain gets a copy whose counters move on.</summary>
    private AgentBatch Build()
    {
        var dump = new IptablesDump { Namespace = _template.Namespace, Variant = _template.Variant };
        foreach (var table in _template.Tables)
        {
            var copy = new IptablesTable { Name = table.Name };
            foreach (var chain in table.Chains)
            {
                var rules = new List<IptablesRule>(chain.Rules.Count);
                foreach (var rule in chain.Rules)
                {
                    var ruleCopy = new IptablesRule
                    {
                        Index = rule.Index, Target = rule.Target, Goto = rule.Goto, TargetOptions = rule.TargetOptions, Comment = rule.Comment,
                        Spec = rule.Spec, Neutron = rule.Neutron, DropKind = rule.DropKind, Identity = rule.Identity,
                    };
                    rules.Add(ruleCopy);
                    _rules.Add((rule, ruleCopy));
                }

                var chainCopy = new IptablesChain { Name = chain.Name, Policy = chain.Policy, Neutron = chain.Neutron, Rules = rules };
                copy.Chains.Add(chainCopy);
                _chains.Add((chain, chainCopy));
            }

            dump.Tables.Add(copy);
        }

        return new AgentBatch { AgentVersion = "loadgen", Iptables = [dump] };
    }
}
