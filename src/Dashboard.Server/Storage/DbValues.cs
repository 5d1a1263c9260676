using System.Buffers;
using System.Text;
using System.Text.Json;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Storage;

/// <summary>Conversions at the database edge.</summary>
public static class DbValues
{
    /// <summary>PostgreSQL has no unsigned 64-bit type; counters past 2^63 (never seen in practice) saturate.</summary>
    public static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    // A director's push writes one of these per real server: the buffer and writer are kept per thread, not made each time.
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_json;

    public static string JsonObject(StateCounts values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (buffer, writer) = t_json ??= NewJsonWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        foreach (var (key, value) in values.Entries)
        {
            writer.WriteNumber(key, value);
        }

        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewJsonWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        return (buffer, new Utf8JsonWriter(buffer));
    }
}
