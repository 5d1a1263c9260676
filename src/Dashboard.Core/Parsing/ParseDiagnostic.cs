namespace Dashboard.Core.Parsing;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>One thing a parser noticed: where (line, field) and why.</summary>
public sealed record ParseDiagnostic(long Line, string? Field, string Reason, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    public override string ToString() =>
        Field is null ? $"line {Line}: {Reason}" : $"line {Line}: {Field}: {Reason}";
}
