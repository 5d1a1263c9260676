using System.Text;

namespace Dashboard.Core.Parsing;

/// <summary>Small text formats (keepalived, NSX) read line by line as strings: over-long lines reported and skipped, blank ones passed over.</summary>
internal static class TextLines
{
    public const int MaxLineLength = 4096;

    /// <summary>Calls <paramref name="readLine"/> with each non-blank line (trimmed, or as printed) and its number; returns the lines read.</summary>
    public static long ForEach(Stream input, CappedDiagnostics diagnostics, bool trim, Action<string, long> readLine)
    {
        using var reader = new LineReader(input, MaxLineLength);
        while (reader.TryReadLine(out var raw))
        {
            if (reader.LastLineTooLong)
            {
                diagnostics.Error(reader.LineNumber, null, "line too long; skipped");
                continue;
            }

            var trimmed = Tokens.TrimBlanks(raw);
            if (!trimmed.IsEmpty)
            {
                readLine(Encoding.UTF8.GetString(trim ? trimmed : raw), reader.LineNumber);
            }
        }

        return reader.LineNumber;
    }
}
