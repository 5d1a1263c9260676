using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Diagnostics with a memory bound: the first few of each kind (field + problem) are kept in full, the rest only
/// counted and summed up in one closing diagnostic per kind.
/// </summary>
internal sealed class CappedDiagnostics
{
    private readonly int _maxPerKind;
    private readonly List<(ParseDiagnostic Diagnostic, string Problem)> _kept = [];
    private readonly Dictionary<(string? Field, string Problem), KindTally> _tallies = [];

    public CappedDiagnostics(int maxPerKind)
    {
        _maxPerKind = Math.Max(1, maxPerKind);
    }

    /// <summary>Records a problem whose message names the offending text.</summary>
    public void Report(long line, string? field, string problem, ReadOnlySpan<byte> text, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        if (Admit(line, field, problem, severity))
        {
            _kept.Add((new ParseDiagnostic(line, field, $"{problem}: {Tokens.Show(text)}", severity), problem));
        }
    }

    public void Report(long line, string? field, string problem, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        if (Admit(line, field, problem, severity))
        {
            _kept.Add((new ParseDiagnostic(line, field, problem, severity), problem));
        }
    }

    /// <summary>The kept diagnostics in line order, then one summary per kind that went over its cap.</summary>
    public IReadOnlyList<ParseDiagnostic> Complete()
    {
        var all = _kept.Select(k => k.Diagnostic).OrderBy(d => d.Line).ToList();
        foreach (var ((field, problem), tally) in _tallies.Where(t => t.Value.Count > _maxPerKind).OrderBy(t => t.Value.FirstSuppressedLine))
        {
            var more = tally.Count - _maxPerKind;
            var summary = tally.Severity == DiagnosticSeverity.Error
                ? $"{more} more lines rejected: {problem}"
                : $"{more} more warnings: {problem}";
            all.Add(new ParseDiagnostic(tally.FirstSuppressedLine, field, summary, tally.Severity));
        }

        return all;
    }

    /// <summary>
    /// Takes in the diagnostics of the lines that follow, numbered there from 1 and here after
    /// <paramref name="lineOffset"/> lines, keeping and counting exactly what reporting them here in order would.
    /// </summary>
    public void Append(CappedDiagnostics later, long lineOffset)
    {
        foreach (var (diagnostic, problem) in later._kept)
        {
            var line = diagnostic.Line + lineOffset;
            if (Admit(line, diagnostic.Field, problem, diagnostic.Severity))
            {
                _kept.Add((diagnostic with { Line = line }, problem));
            }
        }

        // Within the later lines a kind's dropped diagnostics all follow its kept ones.
        foreach (var (kind, tally) in later._tallies)
        {
            if (tally.Count <= later._maxPerKind)
            {
                continue;
            }

            ref var total = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_tallies, kind, out _);
            if (total.Count == _maxPerKind)
            {
                total.FirstSuppressedLine = tally.FirstSuppressedLine + lineOffset;
            }

            total.Count += tally.Count - later._maxPerKind;
        }
    }

    public void Clear()
    {
        _kept.Clear();
        _tallies.Clear();
    }

    private bool Admit(long line, string? field, string problem, DiagnosticSeverity severity)
    {
        ref var tally = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_tallies, (field, problem), out var seen);
        if (!seen)
        {
            tally = new KindTally { Severity = severity };
        }

        tally.Count++;
        if (tally.Count <= _maxPerKind)
        {
            return true;
        }

        if (tally.Count == _maxPerKind + 1)
        {
            tally.FirstSuppressedLine = line;
        }

        return false;
    }

    private struct KindTally
    {
        public long Count;
        public long FirstSuppressedLine;
        public DiagnosticSeverity Severity;
    }
}
