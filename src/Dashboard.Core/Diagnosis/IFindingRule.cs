namespace Dashboard.Core.Diagnosis;

/// <summary>One known failure: looks at the fleet now and names every place it shows.</summary>
public interface IFindingRule
{
    string Kind { get; }

    IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings);
}
