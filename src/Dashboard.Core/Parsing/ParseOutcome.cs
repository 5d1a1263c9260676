namespace Dashboard.Core.Parsing;

/// <summary>What a parser read: the value, every diagnostic with its line, and whether anything usable came out.</summary>
public sealed class ParseOutcome<T> where T : class
{
    public ParseOutcome(T value, IReadOnlyList<ParseDiagnostic> diagnostics, long linesRead, long usableLines)
    {
        Value = value;
        Diagnostics = diagnostics;
        LinesRead = linesRead;
        UsableLines = usableLines;
    }

    public T Value { get; }
    public IReadOnlyList<ParseDiagnostic> Diagnostics { get; }
    public long LinesRead { get; }
    public long UsableLines { get; }

    /// <summary>False when the input held nothing the format promises (empty, binary, another format).</summary>
    public bool HasUsableData => UsableLines > 0;

    public IEnumerable<ParseDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
}
