using System.Buffers;

namespace Dashboard.Core.Parsing;

/// <summary>
/// Streams lines out of a byte stream without building strings: one pooled buffer, lines handed out as spans
/// valid until the next call. CR before LF is removed. A line longer than the limit is skipped in bounded memory
/// and reported through <see cref="LastLineTooLong"/>.
/// </summary>
public sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxLineLength;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public LineReader(Stream stream, int maxLineLength = 64 * 1024, int bufferSize = 256 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 16);
        _stream = stream;
        _maxLineLength = maxLineLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, maxLineLength + 1));
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The line last returned was longer than the limit; its span is empty and its bytes were skipped.</summary>
    public bool LastLineTooLong { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead { get; private set; }

    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        LastLineTooLong = false;
        var skipping = false;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                LineNumber++;
                BytesRead += newline + 1;
                _start += newline + 1;
                if (skipping || newline > _maxLineLength)
                {
                    LastLineTooLong = true;
                    line = default;
                    return true;
                }

                line = TrimCarriageReturn(pending[..newline]);
                return true;
            }

            if (pending.Length > _maxLineLength)
            {
                // Drop what is buffered of an over-long line and keep reading until its end.
                skipping = true;
                BytesRead += pending.Length;
                _start = _end = 0;
            }

            if (_eof)
            {
                if (pending.Length == 0 && !skipping)
                {
                    line = default;
                    return false;
                }

                LineNumber++;
                BytesRead += pending.Length;
                _start = _end;
                LastLineTooLong = skipping;
                line = skipping ? default : TrimCarriageReturn(pending);
                return true;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
