using Dashboard.Core.Parsing;

namespace Dashboard.Agent.Collectors;

/// <summary>Parses a stream through the Core parser registered for a format, and says why when the result is not usable.</summary>
public static class FormatReader
{
    public static ParsedInput Parse(string format, Stream input)
    {
        if (!KnownFormats.TryParse(format, input, out var parsed) || parsed is null)
        {
            throw new NotSupportedException($"format '{format}' is not built into this agent");
        }

        return parsed;
    }

    /// <summary>Usable data, or an input that is valid but empty (no services, no connections): both describe the host.</summary>
    public static bool IsUsable(ParsedInput parsed) =>
        parsed.HasUsableData || !parsed.Diagnostics.Any(static d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>"SOURCE: no usable FORMAT data (line N: reason; …)" with the first few errors.</summary>
    public static string DescribeUnusable(string source, ParsedInput parsed)
    {
        var reasons = parsed.Diagnostics.Where(static d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(static d => d.ToString()).ToList();
        var detail = reasons.Count > 0 ? string.Join("; ", reasons) : $"line {parsed.LinesRead}: nothing recognised";
        return $"{source}: no usable {parsed.Format} data ({detail})";
    }
}
