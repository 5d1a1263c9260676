using System.Text;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class FastPathInternalsTests
{
    [Fact]
    public void Split_RandomLines_SameFieldsAsTokensNext()
    {
        var random = new Random(5);
        const string alphabet = "ab:.09 \t\0\r-[]";
        for (var i = 0; i < 20_000; i++)
        {
            var line = Encoding.Latin1.GetBytes(new string(Enumerable.Range(0, random.Next(0, 140)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
            var capacity = random.Next(1, 12);
            var vector = new int[2 * capacity];
            var scalar = new int[2 * capacity];

            var fields = FieldSplitter.Split(line, vector);
            var expected = FieldSplitter.SplitScalar(line, scalar);

            Assert.Equal(expected, fields);
            var complete = Math.Min(fields, capacity);
            Assert.Equal(scalar.AsSpan(0, 2 * complete).ToArray(), vector.AsSpan(0, 2 * complete).ToArray());
        }
    }

    [Fact]
    public void SplitScalar_Line_FieldsAsTokensNextSeesThem()
    {
        var line = "  TCP 01:57\tSYN_RECV  10.0.19.92:37358 "u8;
        var bounds = new int[8];

        var fields = FieldSplitter.SplitScalar(line, bounds);

        Assert.Equal(4, fields);
        Assert.Equal([2, 5, 6, 11, 12, 20, 22, 38], bounds);
    }

    [Fact]
    public void TryCheck_RandomEndpointTexts_AgreesWithTheScalarParser()
    {
        var random = new Random(17);
        string[] pieces = ["0", "1", "9", "10", "99", "100", "199", "200", "249", "250", "255", "256", "260", "299", "300", "999", "0000", "01", "65535", "65536", "99999", "100000", ""];
        for (var i = 0; i < 200_000; i++)
        {
            string Piece() => pieces[random.Next(pieces.Length)];
            var text = random.Next(10) switch
            {
                0 => $"{Piece()}.{Piece()}.{Piece()}:{Piece()}",
                1 => $"{Piece()}.{Piece()}.{Piece()}.{Piece()}.{Piece()}:{Piece()}",
                2 => $"{Piece()}.{Piece()}.{Piece()}.{Piece()}:{Piece()}:{Piece()}",
                3 => $"{Piece()}:{Piece()}.{Piece()}.{Piece()}.{Piece()}",
                4 => $"{Piece()}.{Piece()}..{Piece()}:{Piece()}",
                5 => $"{Piece()}.{Piece()}.{Piece()}.{Piece()}x{Piece()}",
                _ => $"{Piece()}.{Piece()}.{Piece()}.{Piece()}:{Piece()}",
            };
            var line = Encoding.ASCII.GetBytes("TCP 01:57  SYN_RECV    " + text + (random.Next(2) == 0 ? " " : "\t") + "10.1.26.252:10051  10.1.26.139:10051");

            var checkedOk = Ipv4EndpointScanner.TryCheck(line, 23, out var length, out var portIsZero, out var next);
            var parsedOk = IpAddressText.TryParseIpv4EndpointPrefix(line.AsSpan(23), out var used, out _, out var port)
                && line[23 + used] <= (byte)' ';

            Assert.True(parsedOk == checkedOk, text);
            if (checkedOk)
            {
                Assert.Equal((used, port == 0, 24 + used), (length, portIsZero, next));
            }
        }
    }

    [Fact]
    public void TryCheck_ShortLine_FallsBackWithTheSameAnswer()
    {
        var line = "TCP 01:57  SYN_RECV    10.0.19.92:0 x"u8;

        Assert.True(Ipv4EndpointScanner.TryCheck(line, 23, out var length, out var portIsZero, out var next));
        Assert.Equal((12, true, 36), (length, portIsZero, next));
    }

    [Theory]
    [InlineData("ESTABLISHED", KnownConnectionStates.Established)]
    [InlineData("FIN_WAIT   ", KnownConnectionStates.FinWait)]
    [InlineData("SYN_RECV   ", KnownConnectionStates.SynRecv)]
    [InlineData("CLOSE      ", KnownConnectionStates.Close)]
    [InlineData("CLOSE_WAIT ", KnownConnectionStates.CloseWait)]
    [InlineData("NONE       ", KnownConnectionStates.None)]
    [InlineData("UDP        ", KnownConnectionStates.Udp)]
    [InlineData("ASSURED    ", KnownConnectionStates.Assured)]
    [InlineData("SYN_REVV   ", -1)]
    [InlineData("CLOSE     x", -1)]
    [InlineData("ESTABISHED ", -1)]
    [InlineData("           ", -1)]
    public void Find_PaddedColumn_StateIdOrMinusOne(string column, int expected)
    {
        Assert.Equal(expected, PaddedStateColumn.Find(Encoding.ASCII.GetBytes(column)));
    }

    [Fact]
    public void HexDigitMask_MixedBytes_OneBitPerHexDigit()
    {
        var line = "xx0aF9 g/:@G`f7zzzzzzzz"u8;

        Assert.Equal(0b0010_0000_0011_1100u | (1u << 14), HexColumns.HexDigitMask(line, 0) & 0xFFFF);
    }

    [Fact]
    public void TryGet_ManyKeysOfEveryLength_FoundExactlyAndOnlyUnderTheirSalt()
    {
        var cache = new RawTupleCache(100_000);
        var keys = Enumerable.Range(0, 5000).Select(i => Encoding.ASCII.GetBytes($"10.1.{i % 251}.{i % 7}:{i} ".PadRight(1 + (i % 90), '#'))).ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.False(cache.TryGet(7, keys[i], out _));
            cache.Add(7, keys[i], i);
        }

        for (var i = 0; i < keys.Count; i++)
        {
            Assert.True(cache.TryGet(7, keys[i], out var value));
            Assert.Equal(i, value);
            Assert.False(cache.TryGet(8, keys[i], out _));
            Assert.False(cache.TryGet(7, [.. keys[i], (byte)'!'], out _));
        }
    }

    [Fact]
    public void Add_SameKeyAgain_KeepsTheFirstAndDoesNotGrow()
    {
        var cache = new RawTupleCache(2);
        cache.Add(1, "a"u8, 1);
        cache.Add(1, "a"u8, 2);
        cache.Add(1, "b"u8, 3);

        Assert.True(cache.TryGet(1, "a"u8, out var a));
        Assert.True(cache.TryGet(1, "b"u8, out var b));
        Assert.Equal((1, 3), (a, b));
    }

    [Fact]
    public void Add_CacheFull_KeyNotStored()
    {
        var cache = new RawTupleCache(2);
        cache.Add(1, "a"u8, 1);
        cache.Add(1, "b"u8, 2);
        cache.Add(1, "c"u8, 3);

        Assert.True(cache.TryGet(1, "b"u8, out _));
        Assert.False(cache.TryGet(1, "c"u8, out _));
    }

    [Fact]
    public void Equal_RandomBytes_AgreesWithSequenceEqualAndEqualKeysHashAlike()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var a = new byte[random.Next(0, 100)];
            random.NextBytes(a);
            var b = (byte[])a.Clone();
            if (b.Length > 0 && random.Next(2) == 0)
            {
                b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
            }

            Assert.Equal(a.AsSpan().SequenceEqual(b), ShortBytes.Equal(a, b));
            if (a.AsSpan().SequenceEqual(b))
            {
                Assert.Equal(ShortBytes.Hash(9, a), ShortBytes.Hash(9, b));
            }
        }
    }
}
