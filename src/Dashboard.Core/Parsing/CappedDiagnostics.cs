using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Parsing;

/// <summary>Diagnostics of one parse: the first <see cref="Limit"/> are kept, the rest only counted into one summary.</summary>
internal sealed class CappedDiagnostics
{
    public const int Limit = 100;

    private readonly List<ParseDiagnostic> _kept = [];
    private long _dropped;
    private long _lastDroppedLine;

    public int Count => _kept.Count;

    public void Error(long line, string? field, string reason) => Add(line, field, reason, DiagnosticSeverity.Error);

    public void Warning(long line, string? field, string reason) => Add(line, field, reason, DiagnosticSeverity.Warning);

    public void Add(long line, string? field, string reason, DiagnosticSeverity severity)
    {
        if (_kept.Count < Limit)
        {
            _kept.Add(new ParseDiagnostic(line, field, reason, severity));
            return;
        }

        _dropped++;
        _lastDroppedLine = line;
    }

    public IReadOnlyList<ParseDiagnostic> ToList()
    {
        if (_dropped == 0)
        {
            return _kept.ToArray();
        }

        var all = new List<ParseDiagnostic>(_kept.Count + 1);
        all.AddRange(_kept);
        all.Add(new ParseDiagnostic(_lastDroppedLine, null,
            $"{_dropped} more diagnostics not kept (only the first {Limit} are), last one on line {_lastDroppedLine}",
            DiagnosticSeverity.Warning));
        return all;
    }

    public static List<ParseWarning> ToWarnings(IReadOnlyList<ParseDiagnostic> diagnostics) =>
        diagnostics.Select(d => new ParseWarning { Line = d.Line, Field = d.Field, Message = d.Reason }).ToList();
}
