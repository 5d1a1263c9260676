using System.Buffers;
using System.Text.Json;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Storage;

/// <summary>State counts as the UTF-8 JSON object stored in <c>by_state</c>; one per COPY, reused row after row.</summary>
public sealed class StateCountsJson : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public StateCountsJson() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The object's bytes, valid until the next call.</summary>
    public ReadOnlyMemory<byte> Encode(StateCounts values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        StateCountsJsonConverter.WriteObject(_writer, values);
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _writer.Dispose();
}
