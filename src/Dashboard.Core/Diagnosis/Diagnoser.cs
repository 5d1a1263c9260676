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
    ];

    public DiagnosisSettings Settings => settings;

    public IReadOnlyList<FindingCandidate> Evaluate(FleetView fleet)
    {
        var topology = Topology.Infer(fleet, inventory);
        return Rules.SelectMany(rule => rule.Evaluate(fleet, topology, settings))
            .GroupBy(c => c.Key)
            .Select(g => g.First())
            .ToList();
    }
}
