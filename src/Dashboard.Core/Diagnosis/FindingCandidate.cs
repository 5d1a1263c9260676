namespace Dashboard.Core.Diagnosis;

/// <summary>A failure the current data shows, with where, the numbers that show it, how to confirm by hand, and the fix.</summary>
public sealed record FindingCandidate(
    string Kind,
    FindingSeverity Severity,
    string? Director,
    string? Vip,
    string? Hypervisor,
    string? Port,
    string? RealServer,
    string Summary,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<string> ConfirmCommands,
    string Remediation)
{
    /// <summary>Identity across evaluations: the same failure at the same place is one finding.</summary>
    public string Key => $"{Kind}|{Director}|{Vip}|{Hypervisor}|{Port}|{RealServer}";
}

/// <summary>One fact behind a finding, as a label and a value people can read.</summary>
public sealed record Evidence(string Label, string Value);
