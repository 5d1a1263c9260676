using System.Text.Json.Serialization.Metadata;
using Dashboard.Core.Batches;

namespace Dashboard.Core.Parsing;

/// <summary>The result of parsing one input in a named format, ready to print as JSON or to wrap in a batch.</summary>
public sealed record ParsedInput(
    string Format,
    object Value,
    JsonTypeInfo TypeInfo,
    IReadOnlyList<ParseDiagnostic> Diagnostics,
    long LinesRead,
    bool HasUsableData,
    Action<AgentBatch> AddTo);
