using System.Text.Json.Serialization.Metadata;
using Dashboard.Core.Batches;

namespace Dashboard.Core.Parsing;

/// <summary>Every input format by its command-line name: what parses it and where its result goes in a batch.</summary>
public static class KnownFormats
{
    private static readonly Dictionary<string, Func<Stream, ParsedInput>> s_parsers = new(StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => s_parsers.Keys;

    public static bool TryParse(string format, Stream input, out ParsedInput? parsed)
    {
        if (!s_parsers.TryGetValue(format, out var parse))
        {
            parsed = null;
            return false;
        }

        parsed = parse(input);
        return true;
    }

    private static void Register<T>(string name, Func<Stream, ParseOutcome<T>> parse, JsonTypeInfo<T> typeInfo, Action<AgentBatch, T> addTo)
        where T : class =>
        s_parsers[name] = input =>
        {
            var outcome = parse(input);
            return new ParsedInput(name, outcome.Value, typeInfo, outcome.Diagnostics, outcome.LinesRead, outcome.HasUsableData,
                batch => addTo(batch, outcome.Value));
        };

    internal static IpvsSnapshot IpvsOf(AgentBatch batch) => batch.Ipvs ??= new IpvsSnapshot();
}
