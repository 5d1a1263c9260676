using System.Buffers;

namespace Dashboard.Server.Storage.Frames;

/// <summary>
/// The one encoding of stored numbers: a frame holds, for one host and one kind of data at one instant (or one rollup
/// bucket), a column of values per field, each column holding one value per series of the frame's layout, in layout order.
/// <code>
/// payload  = version:u8 (1), series:varint, columns:varint, then per column its length in bytes:varint, then the columns
/// column   = one value per series
/// value    = 0 for "absent", else zigzag(v) + 1, as an unsigned LEB128 varint (7 bits a byte, low bits first)
/// </code>
/// In a frame linked to a previous one (<c>prev_at</c>), counter columns hold the difference from the previous frame's
/// value of the same series (the value itself where the previous one was absent). Small numbers and unchanged counters take
/// one byte; PostgreSQL's TOAST compression (lz4) then folds runs of them. The SQL function <c>frame_column</c> of
/// migration 0011 decodes the same format for psql and Grafana.
/// </summary>
public static class FrameCodec
{
    public const byte Version = 1;

    /// <summary>Encodes <paramref name="columns"/> (each as long as the series count) into a new payload.</summary>
    public static byte[] Encode(int series, IReadOnlyList<long?[]> columns)
    {
        var writer = new ArrayBufferWriter<byte>(16 + series * columns.Count * 2);
        var bodies = new byte[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            if (column.Length != series)
            {
                throw new ArgumentException($"column {c} has {column.Length} values for {series} series", nameof(columns));
            }

            var body = new ArrayBufferWriter<byte>(series * 2);
            foreach (var value in column)
            {
                WriteValue(body, value);
            }

            bodies[c] = body.WrittenSpan.ToArray();
        }

        writer.GetSpan(1)[0] = Version;
        writer.Advance(1);
        WriteUnsigned(writer, (ulong)series);
        WriteUnsigned(writer, (ulong)columns.Count);
        foreach (var body in bodies)
        {
            WriteUnsigned(writer, (ulong)body.Length);
        }

        foreach (var body in bodies)
        {
            writer.Write(body);
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes every column of a payload.</summary>
    /// <exception cref="FrameFormatException">The payload is not a frame of this format.</exception>
    public static long?[][] Decode(ReadOnlySpan<byte> payload)
    {
        var header = ReadHeader(payload);
        var result = new long?[header.ColumnLengths.Length][];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = DecodeColumn(payload, header, c, 0, header.Series);
        }

        return result;
    }

    /// <summary>Values <paramref name="start"/> .. start + count − 1 of one column, skipping the bytes before them.</summary>
    public static long?[] DecodeColumn(ReadOnlySpan<byte> payload, FrameHeader header, int column, int start, int count)
    {
        if ((uint)column >= (uint)header.ColumnLengths.Length)
        {
            throw new FrameFormatException($"column {column} asked of a frame with {header.ColumnLengths.Length}");
        }

        if (start < 0 || count < 0 || start + count > header.Series)
        {
            throw new FrameFormatException($"values {start}..{start + count} asked of a frame with {header.Series} series");
        }

        var offset = header.BodyOffset;
        for (var c = 0; c < column; c++)
        {
            offset += header.ColumnLengths[c];
        }

        var body = payload.Slice(offset, header.ColumnLengths[column]);
        var position = 0;
        for (var i = 0; i < start; i++)
        {
            SkipValue(body, ref position);
        }

        var values = new long?[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadValue(body, ref position);
        }

        if (start + count == header.Series && position != body.Length)
        {
            throw new FrameFormatException($"column {column} has {body.Length - position} bytes after its last value");
        }

        return values;
    }

    public static FrameHeader ReadHeader(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0 || payload[0] != Version)
        {
            throw new FrameFormatException(payload.Length == 0 ? "empty payload" : $"format version {payload[0]}, expected {Version}");
        }

        var position = 1;
        var series = ReadCount(payload, ref position, "series count");
        var columns = ReadCount(payload, ref position, "column count");
        var lengths = new int[columns];
        long total = 0;
        for (var c = 0; c < columns; c++)
        {
            lengths[c] = ReadCount(payload, ref position, $"length of column {c}");
            total += lengths[c];
        }

        if (total != payload.Length - position)
        {
            throw new FrameFormatException($"columns say {total} bytes, the payload has {payload.Length - position} after its header");
        }

        // Every value takes at least one byte: a header that claims more series than bytes is not a frame.
        foreach (var length in lengths)
        {
            if (length < series)
            {
                throw new FrameFormatException($"a column of {length} bytes cannot hold {series} values");
            }
        }

        return new FrameHeader(series, lengths, position);
    }

    /// <summary>Adds a linked frame's differences to the previous frame's values, column by column (null stays null).</summary>
    public static void AddDifferences(long?[] previous, long?[] differences)
    {
        for (var i = 0; i < differences.Length; i++)
        {
            if (differences[i] is { } d && previous[i] is { } p)
            {
                differences[i] = unchecked(p + d);
            }
        }
    }

    /// <summary>What a linked frame stores for a counter: the difference from the previous value where there was one.</summary>
    public static long? Difference(long? previous, long? current) =>
        current is { } c && previous is { } p ? unchecked(c - p) : current;

    private static int ReadCount(ReadOnlySpan<byte> payload, ref int position, string what)
    {
        var value = ReadUnsigned(payload, ref position);
        if (value > int.MaxValue)
        {
            throw new FrameFormatException($"{what} {value} is out of range");
        }

        return (int)value;
    }

    private static void WriteValue(IBufferWriter<byte> writer, long? value)
    {
        if (value is not { } v)
        {
            WriteUnsigned(writer, 0);
            return;
        }

        var zigzag = (ulong)((v << 1) ^ (v >> 63));
        if (zigzag == ulong.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "long.MinValue cannot be stored");
        }

        WriteUnsigned(writer, zigzag + 1);
    }

    private static long? ReadValue(ReadOnlySpan<byte> body, ref int position)
    {
        var raw = ReadUnsigned(body, ref position);
        if (raw == 0)
        {
            return null;
        }

        var zigzag = raw - 1;
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    private static void SkipValue(ReadOnlySpan<byte> body, ref int position)
    {
        var start = position;
        while (position < body.Length && (body[position] & 0x80) != 0)
        {
            position++;
        }

        if (position >= body.Length || position - start >= 10)
        {
            throw new FrameFormatException($"varint at byte {start} of a column is truncated or too long");
        }

        position++;
    }

    private static void WriteUnsigned(IBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        writer.Advance(n);
    }

    private static ulong ReadUnsigned(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FrameFormatException($"varint truncated at byte {position}");
            }

            var b = data[position++];
            if (shift == 63 && b > 1)
            {
                throw new FrameFormatException($"varint ending at byte {position - 1} exceeds 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FrameFormatException($"varint ending at byte {position - 1} exceeds 64 bits");
    }
}

/// <summary>A payload's header: series per column, each column's length in bytes, and where the first column starts.</summary>
public sealed record FrameHeader(int Series, int[] ColumnLengths, int BodyOffset);

public sealed class FrameFormatException(string message) : Exception(message);
