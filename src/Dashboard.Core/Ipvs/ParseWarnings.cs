using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>Diagnostics as they travel inside the models.</summary>
internal static class ParseWarnings
{
    public static List<ParseWarning> From(IReadOnlyList<ParseDiagnostic> diagnostics) =>
        diagnostics.Select(d => new ParseWarning { Line = d.Line, Field = d.Field, Message = d.Reason, Severity = d.Severity }).ToList();
}
