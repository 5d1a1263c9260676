using System.Text.Json;

namespace Dashboard.Core.Parsing;

/// <summary>A named JSON array (or null) of a list, as the serializer writes one, passed to the output every 32 KB.</summary>
internal static class JsonArrayWriter
{
    // Written out as it goes: a buffer grown to the whole output is fresh memory the process pays page faults for.
    private const int FlushBytes = 32 * 1024;

    public static void Write<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> name, List<T>? items, Action<Utf8JsonWriter, T> writeItem)
    {
        if (items is null)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writeItem(writer, item);
            if (writer.BytesPending > FlushBytes)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
    }
}
