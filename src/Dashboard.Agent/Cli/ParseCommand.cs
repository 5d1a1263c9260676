using Dashboard.Core.Parsing;

namespace Dashboard.Agent.Cli;

/// <summary>
/// `dashboard-agent parse FORMAT [FILE|-]`: JSON on stdout and exit 0, or the lines and reasons on stderr and exit 2.
/// </summary>
public static class ParseCommand
{
    public static int Run(string format, string? file, AgentConsole console)
    {
        if (!KnownFormats.Names.Contains(format))
        {
            var known = KnownFormats.Names.Count > 0 ? string.Join(", ", KnownFormats.Names.Order(StringComparer.Ordinal)) : "(none built in)";
            console.Error.WriteLine($"unknown format '{format}'; known formats: {known}");
            return ExitCodes.Usage;
        }

        Stream input;
        try
        {
            input = file is null or "-"
                ? console.Input
                : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"{file}: {e.Message}");
            return ExitCodes.Usage;
        }

        ParsedInput parsed;
        using (input == console.Input ? null : input)
        {
            KnownFormats.TryParse(format, input, out var result);
            parsed = result!;
        }

        foreach (var diagnostic in parsed.Diagnostics)
        {
            console.Error.WriteLine(diagnostic.ToString());
        }

        if (!parsed.HasUsableData)
        {
            if (!parsed.Diagnostics.Any(static d => d.Severity == DiagnosticSeverity.Error))
            {
                var reason = parsed.LinesRead == 0 ? "empty input" : $"no {format} data found";
                console.Error.WriteLine($"line {Math.Max(1, parsed.LinesRead)}: {reason}");
            }

            return ExitCodes.Usage;
        }

        parsed.WriteJson(console.Output);
        console.Output.Write("\n"u8);
        console.Output.Flush();
        return ExitCodes.Success;
    }
}
