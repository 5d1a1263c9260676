using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>Reads the line of a service table or stats file with its number.</summary>
internal delegate void TableLineReader(ReadOnlySpan<byte> line, long number);

/// <summary>The line loop of the IPVS table parsers: every line handed over, over-long ones reported and skipped.</summary>
internal static class TableLines
{
    /// <summary>Returns the number of lines read.</summary>
    public static long ForEach(Stream input, CappedDiagnostics diagnostics, TableLineReader readLine)
    {
        using var reader = new LineReader(input);
        while (reader.TryReadLine(out var line))
        {
            if (reader.LastLineTooLong)
            {
                diagnostics.Report(reader.LineNumber, null, "line longer than 65536 bytes, skipped");
                continue;
            }

            readLine(line, reader.LineNumber);
        }

        return reader.LineNumber;
    }
}
