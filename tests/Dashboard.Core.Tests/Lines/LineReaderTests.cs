using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Tests.Lines;

public sealed class LineReaderTests
{
    [Fact]
    public void TryReadLine_RandomInputsInShortReads_SameLinesAsSplittingOnNewlines()
    {
        var random = new Random(11);
        const string alphabet = "ab \t\0\r\n\n\n";
        for (var round = 0; round < 2_000; round++)
        {
            var input = Encoding.Latin1.GetBytes(new string(Enumerable.Range(0, random.Next(0, 3_000)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
            var maxLineLength = random.Next(16, 40);
            var bufferSize = random.Next(1, 200);

            var lines = ReadAll(new ShortReadStream(input, random.Next(1, 300), random.Next()), maxLineLength, bufferSize);

            Assert.Equal(Reference(input, maxLineLength), lines);
        }
    }

    [Fact]
    public void TryReadLine_ThousandsOfShortLinesInOneBuffer_AllReturnedInOrder()
    {
        // More newlines than one indexing pass holds.
        var text = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"{i}\n"));

        var lines = ReadAll(new MemoryStream(Encoding.ASCII.GetBytes(text)), 64 * 1024, 256 * 1024);

        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => i.ToString()), lines.Select(l => l.Text));
        Assert.Equal(text.Length, lines[^1].BytesRead);
    }

    [Fact]
    public void TryReadLine_LinesAcrossBufferBoundaries_EachLineWhole()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => new string((char)('a' + (i % 26)), i % 37) + "\n"));
        var input = Encoding.ASCII.GetBytes(text);

        Assert.Equal(Reference(input, 40), ReadAll(new MemoryStream(input), 40, 41));
    }

    [Fact]
    public void TryReadLine_CrLf_CarriageReturnRemovedOnce()
    {
        var lines = ReadAll(new MemoryStream("a\r\nb\r\r\n\r\nc\r"u8.ToArray()), 64, 1024);

        Assert.Equal(["a", "b\r", "", "c"], lines.Select(l => l.Text));
    }

    [Fact]
    public void TryReadLine_NulBytes_KeptInTheLine()
    {
        var lines = ReadAll(new MemoryStream("a\0b\n\0\n"u8.ToArray()), 64, 1024);

        Assert.Equal(["a\0b", "\0"], lines.Select(l => l.Text));
    }

    [Fact]
    public void TryReadLine_NoFinalNewline_LastLineReturned()
    {
        var lines = ReadAll(new MemoryStream("first\nlast"u8.ToArray()), 64, 1024);

        Assert.Equal([new Line("first", false, 6), new Line("last", false, 10)], lines);
    }

    [Fact]
    public void TryReadLine_TenMegabyteLineOverTheLimit_SkippedAsOneLineThenReadingGoesOn()
    {
        var input = new byte[10 * 1024 * 1024 + 7];
        input.AsSpan().Fill((byte)'x');
        "\nnext\n"u8.CopyTo(input.AsSpan(input.Length - 6));

        var lines = ReadAll(new MemoryStream(input), 64 * 1024, 256 * 1024);

        Assert.Equal([new Line("", true, input.Length - 5), new Line("next", false, input.Length)], lines);
    }

    [Fact]
    public void TryReadLine_TenMegabyteLineWithinTheLimit_ReturnedWhole()
    {
        var input = new byte[10 * 1024 * 1024];
        input.AsSpan().Fill((byte)'y');
        input[^1] = (byte)'\n';

        using var reader = new LineReader(new MemoryStream(input), maxLineLength: 16 * 1024 * 1024);

        Assert.True(reader.TryReadLine(out var line));
        Assert.Equal(input.Length - 1, line.Length);
        Assert.False(reader.LastLineTooLong);
        Assert.False(reader.TryReadLine(out _));
    }

    [Fact]
    public void TryReadLine_OverLongLastLineWithoutNewline_ReportedTooLong()
    {
        var input = Encoding.ASCII.GetBytes("ok\n" + new string('z', 100));

        var lines = ReadAll(new MemoryStream(input), 32, 64);

        Assert.Equal([new Line("ok", false, 3), new Line("", true, input.Length)], lines);
    }

    private static List<Line> ReadAll(Stream input, int maxLineLength, int bufferSize)
    {
        using var reader = new LineReader(input, maxLineLength, bufferSize);
        var lines = new List<Line>();
        while (reader.TryReadLine(out var line))
        {
            Assert.Equal(lines.Count + 1, reader.LineNumber);
            lines.Add(new Line(Encoding.Latin1.GetString(line), reader.LastLineTooLong, reader.BytesRead));
        }

        return lines;
    }

    /// <summary>What the reader must return: every '\n'-ended piece, and the rest if any; over-long ones empty and flagged.</summary>
    private static List<Line> Reference(byte[] input, int maxLineLength)
    {
        var lines = new List<Line>();
        var start = 0;
        for (var i = 0; i <= input.Length; i++)
        {
            if (i < input.Length ? input[i] != (byte)'\n' : start == input.Length)
            {
                continue;
            }

            var raw = input.AsSpan(start, i - start);
            var consumed = Math.Min(i + 1, input.Length);
            lines.Add(raw.Length > maxLineLength
                ? new Line("", true, consumed)
                : new Line(Encoding.Latin1.GetString(raw.EndsWith("\r"u8) ? raw[..^1] : raw), false, consumed));
            start = i + 1;
        }

        return lines;
    }

    private sealed record Line(string Text, bool TooLong, long BytesRead);

    /// <summary>A stream that returns fewer bytes than asked for, as pipes and sockets do.</summary>
    private sealed class ShortReadStream(byte[] data, int maxRead, int seed) : ForwardReadStream
    {
        private readonly Random _random = new(seed);
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, data.Length - _position), _random.Next(1, maxRead + 1));
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }
    }
}
