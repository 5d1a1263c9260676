using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// <see cref="StateCounts"/> as a JSON object of state name to count, names in ordinal order. Known state names are taken
/// from <see cref="KnownConnectionStates"/> rather than allocated, since every real server of every push repeats them.
/// </summary>
public sealed class StateCountsJsonConverter : JsonConverter<StateCounts>
{
    private static readonly byte[][] KnownUtf8 = [.. KnownConnectionStates.Names.Select(System.Text.Encoding.UTF8.GetBytes)];

    public override StateCounts Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"state counts must be an object of state name to count, not {reader.TokenType}");
        }

        var pairs = ArrayPool<KeyValuePair<string, long>>.Shared.Rent(16);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = NameOf(ref reader);
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
                {
                    throw new JsonException($"count of state '{name}' must be a whole number");
                }

                if (count == pairs.Length)
                {
                    var larger = ArrayPool<KeyValuePair<string, long>>.Shared.Rent(pairs.Length * 2);
                    pairs.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<KeyValuePair<string, long>>.Shared.Return(pairs, clearArray: true);
                    pairs = larger;
                }

                pairs[count++] = new(name, value);
            }

            return StateCounts.FromUnordered(pairs.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<KeyValuePair<string, long>>.Shared.Return(pairs, clearArray: true);
        }
    }

    public override void Write(Utf8JsonWriter writer, StateCounts value, JsonSerializerOptions options) => WriteObject(writer, value);

    /// <summary>The counts as one JSON object, names in their order; for writers that do not go through the serializer.</summary>
    public static void WriteObject(Utf8JsonWriter writer, StateCounts value)
    {
        writer.WriteStartObject();
        foreach (var (state, count) in value.Entries)
        {
            writer.WriteNumber(state, count);
        }

        writer.WriteEndObject();
    }

    private static string NameOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var text = reader.ValueSpan;
            for (var i = 0; i < KnownUtf8.Length; i++)
            {
                if (text.SequenceEqual(KnownUtf8[i]))
                {
                    return KnownConnectionStates.Names[i];
                }
            }
        }

        return reader.GetString()!;
    }
}
