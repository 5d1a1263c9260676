using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dashboard.Core.Batches;

namespace Dashboard.Core.Parsing;

/// <summary>The result of parsing one input in a named format, ready to print as JSON or to wrap in a batch.</summary>
public sealed record ParsedInput(
    string Format,
    object Value,
    IReadOnlyList<ParseDiagnostic> Diagnostics,
    long LinesRead,
    bool HasUsableData,
    Action<AgentBatch> AddTo)
{
    private readonly Func<JsonTypeInfo> _typeInfoOf = static () => throw new InvalidOperationException("no JSON type info");
    private readonly Action<Utf8JsonWriter>? _writeJson;
    private JsonTypeInfo? _typeInfo;

    public ParsedInput(string format, object value, Func<JsonTypeInfo> typeInfoOf, Action<Utf8JsonWriter>? writeJson,
        IReadOnlyList<ParseDiagnostic> diagnostics, long linesRead, bool hasUsableData, Action<AgentBatch> addTo)
        : this(format, value, diagnostics, linesRead, hasUsableData, addTo)
    {
        _typeInfoOf = typeInfoOf;
        _writeJson = writeJson;
    }

    /// <summary>Built on first use: configuring a source-generated type info costs a one-shot process a few ms.</summary>
    public JsonTypeInfo TypeInfo => _typeInfo ??= _typeInfoOf();

    /// <summary>The value as JSON: by a hand-written writer where the format has one (the same bytes), else by the serializer.</summary>
    public void WriteJson(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_writeJson is null)
        {
            JsonSerializer.Serialize(output, Value, TypeInfo);
            return;
        }

        using var writer = new Utf8JsonWriter(output);
        _writeJson(writer);
    }
}
