using System.Text;
using System.Text.Json;

namespace Dashboard.Server.Storage;

/// <summary>Conversions at the database edge.</summary>
public static class DbValues
{
    /// <summary>PostgreSQL has no unsigned 64-bit type; counters past 2^63 (never seen in practice) saturate.</summary>
    public static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    public static string JsonObject(IReadOnlyDictionary<string, long> values)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in values)
            {
                writer.WriteNumber(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
