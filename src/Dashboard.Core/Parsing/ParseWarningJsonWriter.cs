using System.Text.Json;
using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Parsing;

/// <summary>The "warnings" array of a parse result, byte for byte as <see cref="Batches.DashboardJsonContext"/> writes it.</summary>
internal static class ParseWarningJsonWriter
{
    public static void Write(Utf8JsonWriter writer, List<ParseWarning>? warnings) =>
        JsonArrayWriter.Write(writer, "warnings"u8, warnings, WriteWarning);

    private static void WriteWarning(Utf8JsonWriter writer, ParseWarning warning)
    {
        writer.WriteStartObject();
        writer.WriteNumber("line"u8, warning.Line);
        writer.WriteString("field"u8, warning.Field);
        writer.WriteString("message"u8, warning.Message);
        // The context writes enums by name, and a value without a name as its number.
        switch (warning.Severity)
        {
            case DiagnosticSeverity.Error:
                writer.WriteString("severity"u8, "Error"u8);
                break;
            case DiagnosticSeverity.Warning:
                writer.WriteString("severity"u8, "Warning"u8);
                break;
            default:
                writer.WriteNumber("severity"u8, (int)warning.Severity);
                break;
        }

        writer.WriteEndObject();
    }
}
