using System.Numerics;
using Dapper;
using Dashboard.Server.Storage.Frames;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Storage.Frames;

/// <summary>
/// The frame encoding against two decoders written apart from it: a plain one here (arbitrary-precision arithmetic, a byte
/// at a time) and migration 0011's in SQL; and against damaged payloads, which must be refused with a format error only.
/// </summary>
public sealed class FrameCodecTests(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Encode_RandomFrame_CodecAndPlainReferenceDecodeTheSameValues(int seed)
    {
        // Arrange
        var (series, columns) = RandomFrame(new Random(seed));

        // Act
        var payload = FrameCodec.Encode(series, columns);

        // Assert
        Assert.Equal(columns, FrameCodec.Decode(payload));
        Assert.Equal(columns, ReferenceDecode(payload));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Encode_RandomFrame_SqlDecoderReadsTheSameValuesAndSqlEncoderWritesTheSameBytes(int seed)
    {
        // Arrange
        var (series, columns) = RandomFrame(new Random(seed));
        var payload = FrameCodec.Encode(series, columns);
        await using var conn = await database.DataSource.OpenConnectionAsync();

        // Act: the decoded array travels as text, so nulls and 64-bit extremes arrive as PostgreSQL wrote them.
        var decoded = await conn.ExecuteScalarAsync<string>("select frame_decode(@payload)::text", new { payload });
        var encoded = columns.Count == 0 || series == 0
            ? null
            : await conn.ExecuteScalarAsync<byte[]>("select frame_encode(@text::bigint[])", new { text = ArrayText(columns) });

        // Assert
        Assert.Equal(series == 0 || columns.Count == 0 ? null : ArrayText(columns), series == 0 || columns.Count == 0 ? null : decoded);
        if (encoded is not null)
        {
            Assert.Equal(payload, encoded);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DecodeColumn_AnyRange_EqualsThatSliceOfTheWholeColumn(int seed)
    {
        // Arrange
        var random = new Random(seed);
        var (series, columns) = RandomFrame(random, minSeries: 1, minColumns: 1);
        var payload = FrameCodec.Encode(series, columns);
        var header = FrameCodec.ReadHeader(payload);
        var column = random.Next(columns.Count);
        var start = random.Next(series);
        var count = random.Next(series - start + 1);

        // Act
        var slice = FrameCodec.DecodeColumn(payload, header, column, start, count);

        // Assert
        Assert.Equal(columns[column].Skip(start).Take(count), slice);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Decode_DamagedPayloads_DecodeOrRefuseWithAFormatErrorNeverAnotherFault(int seed)
    {
        // Arrange
        var random = new Random(seed);
        var (series, columns) = RandomFrame(random, minSeries: 1, minColumns: 1);
        var payload = FrameCodec.Encode(series, columns);
        var refused = 0;

        for (var i = 0; i < 500; i++)
        {
            var damaged = (byte[])payload.Clone();
            switch (random.Next(3))
            {
                case 0:
                    damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    damaged = damaged[..random.Next(damaged.Length)];
                    break;
                default:
                    damaged = [.. damaged, (byte)random.Next(256)];
                    break;
            }

            // Act
            try
            {
                var decoded = FrameCodec.Decode(damaged);
                Assert.Equal(ReferenceDecode(damaged), decoded);
            }
            catch (FrameFormatException)
            {
                refused++;
            }
        }

        // Assert: truncations and appended bytes are always caught by the header's lengths.
        Assert.True(refused > 100, $"only {refused} of 500 damaged payloads refused");
    }

    [Fact]
    public void Difference_ThenAddDifferences_GivesTheCountersBackIncludingResetsAndAbsentValues()
    {
        // Arrange
        long?[] previous = [10, null, long.MaxValue, 5, 0];
        long?[] current = [25, 7, 3, null, long.MaxValue];

        // Act
        var stored = previous.Zip(current, FrameCodec.Difference).ToArray();
        var payload = FrameCodec.Encode(stored.Length, [stored]);
        var back = FrameCodec.Decode(payload)[0];
        FrameCodec.AddDifferences(previous, back);

        // Assert
        Assert.Equal(current, back);
        Assert.Equal([15, 7, 3 - long.MaxValue, null, long.MaxValue], stored);
    }

    [Fact]
    public void Encode_SmallNumbers_TakeOneByteEach()
    {
        // Arrange: 1,000 values between -63 and 62, and absent ones: the common case of counts by state and idle counters.
        var column = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? (long?)null : i % 126 - 63).ToArray();

        // Act
        var payload = FrameCodec.Encode(column.Length, [column]);

        // Assert: version, series (2 bytes), columns, column length (2 bytes), then a byte a value.
        Assert.Equal(1 + 2 + 1 + 2 + 1000, payload.Length);
    }

    private static (int Series, List<long?[]> Columns) RandomFrame(Random random, int minSeries = 0, int minColumns = 0)
    {
        var series = random.Next(minSeries, 300);
        var columns = Enumerable.Range(0, random.Next(minColumns, 12)).Select(_ => Enumerable.Range(0, series).Select(_ => RandomValue(random)).ToArray()).ToList();
        return (series, columns);
    }

    private static long? RandomValue(Random random) => random.Next(10) switch
    {
        0 => null,
        1 => long.MaxValue,
        2 => -long.MaxValue,
        3 => random.NextInt64(long.MinValue + 1, long.MaxValue),
        4 => random.Next(-3, 4),
        _ => random.NextInt64(-100_000, 100_000_000),
    };

    /// <summary>A decoder written from the format's description, sharing nothing with the codec.</summary>
    private static List<long?[]> ReferenceDecode(byte[] payload)
    {
        var position = 0;
        BigInteger Varint()
        {
            BigInteger value = 0;
            var shift = 0;
            while (true)
            {
                if (position >= payload.Length || shift > 63)
                {
                    throw new FrameFormatException("reference: truncated or too long");
                }

                var b = payload[position++];
                value += new BigInteger(b & 0x7F) << shift;
                shift += 7;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        if (payload.Length == 0 || payload[position++] != 1)
        {
            throw new FrameFormatException("reference: version");
        }

        var series = (int)Varint();
        var count = (int)Varint();
        for (var c = 0; c < count; c++)
        {
            Varint();
        }

        var columns = new List<long?[]>();
        for (var c = 0; c < count; c++)
        {
            var column = new long?[series];
            for (var s = 0; s < series; s++)
            {
                var raw = Varint();
                column[s] = raw.IsZero ? null : (raw - 1).IsEven ? (long)((raw - 1) / 2) : (long)(-(raw / 2));
            }

            columns.Add(column);
        }

        return position == payload.Length ? columns : throw new FrameFormatException("reference: trailing bytes");
    }

    /// <summary>A two-dimensional array as PostgreSQL prints it: {{1,NULL},{3,4}}.</summary>
    private static string ArrayText(IReadOnlyList<long?[]> columns) =>
        "{" + string.Join(",", columns.Select(c => "{" + string.Join(",", c.Select(v => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "NULL")) + "}")) + "}";
}
