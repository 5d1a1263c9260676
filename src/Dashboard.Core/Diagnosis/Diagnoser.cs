namespace Dashboard.Core.Diagnosis;

/// <summary>Runs every known-failure rule over one view of the fleet.</summary>
public sealed class Diagnoser(DiagnosisSettings settings, Inventory? inventory = null)
{
    public static readonly IReadOnlyList<IFindingRule> Rules =
    [
        new DrForwardDropRule(),
        new RsIngressDropRule(),
        new StatefulHalfFlowDropRule(),
        new DirectorWideSynRecvRule(),
        new AgentSilentRule(),
        new CounterResetRule(),
        new StorageFullRule(),
        new CountersMissingRule(),
        new ClockSkewRule(),
        new LimitReachedRule(),
    ];

    public DiagnosisSettings Settings => settings;

    public IReadOnlyList<FindingCandidate> Evaluate(FleetView fleet)
    {
        var topology = Topology.Infer(fleet, inventory);
        var candidates = Rules.SelectMany(rule => rule.Evaluate(fleet, topology, settings))
            .GroupBy(c => c.Key)
            .Select(g => g.First())
            .ToList();
        // A pile-up a hypervisor drop explains is not also "the director itself".
        var explained = ExplainedDirectors(candidates);
        candidates.RemoveAll(c => c.Kind == FindingKinds.DirectorWideSynRecv && c.Director is { } d && explained.Contains(d));
        return candidates;
    }

    /// <summary>Directors with a finding that puts the cause of their SYN_RECV on a hypervisor.</summary>
    public static HashSet<string> ExplainedDirectors(IEnumerable<FindingCandidate> candidates) =>
        candidates.Where(c => c.Kind is FindingKinds.DrForwardDrop or FindingKinds.RsIngressDrop or FindingKinds.StatefulHalfFlowDrop)
            .Select(c => c.Director).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
