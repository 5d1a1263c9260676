using System.Buffers;
using System.Runtime.CompilerServices;

namespace Dashboard.Core.Parsing;

/// <summary>
/// Streams lines out of a byte stream without building strings: one pooled buffer, lines handed out as spans
/// valid until the next call. CR before LF is removed. A line longer than the limit is skipped in bounded memory
/// and reported through <see cref="LastLineTooLong"/>. Newlines are found for many lines at once by
/// <see cref="NewlineIndex"/>, so that handing out a line is a few loads and compares.
/// </summary>
public sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxLineLength;
    private readonly NewlineIndex _newlines = new();
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _indexed;
    private long _bufferOffset;
    private bool _eof;

    public LineReader(Stream stream, int maxLineLength = 64 * 1024, int bufferSize = 256 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 16);
        _stream = stream;
        _maxLineLength = maxLineLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, maxLineLength + 1));
    }

    /// <summary>Lines longer than this many bytes are skipped.</summary>
    public int MaxLineLength => _maxLineLength;

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The line last returned was longer than the limit; its span is empty and its bytes were skipped.</summary>
    public bool LastLineTooLong { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead => _bufferOffset + _start;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        // The common case: the next newline is already indexed and the line is within the limit.
        if (_newlines.TryPeek(out var newline) && newline - _start <= _maxLineLength)
        {
            _newlines.Skip();
            line = TrimCarriageReturn(_buffer.AsSpan(_start, newline - _start));
            _start = newline + 1;
            LineNumber++;
            LastLineTooLong = false;
            return true;
        }

        return TryReadLineSlowly(out line);
    }

    /// <summary>
    /// Consumes the bytes up to and including the first newline without counting a line: a reader started in the
    /// middle of a file skips the end of the line that began before it.
    /// </summary>
    public void SkipPartialLine()
    {
        if (TryReadLine(out _))
        {
            LineNumber--;
            LastLineTooLong = false;
        }
    }

    private bool TryReadLineSlowly(out ReadOnlySpan<byte> line)
    {
        LastLineTooLong = false;
        var skipping = false;
        while (true)
        {
            if (_newlines.TryPeek(out var newline))
            {
                _newlines.Skip();
                LineNumber++;
                var start = _start;
                _start = newline + 1;
                if (skipping || newline - start > _maxLineLength)
                {
                    LastLineTooLong = true;
                    line = default;
                    return true;
                }

                line = TrimCarriageReturn(_buffer.AsSpan(start, newline - start));
                return true;
            }

            if (_indexed < _end)
            {
                _indexed = _newlines.Build(_buffer.AsSpan(0, _end), _indexed);
                continue;
            }

            // Nothing buffered holds a newline.
            if (_end - _start > _maxLineLength)
            {
                // Drop what is buffered of an over-long line and keep reading until its end.
                skipping = true;
                _bufferOffset += _end;
                _start = _end = _indexed = 0;
            }

            if (_eof)
            {
                if (_end == _start && !skipping)
                {
                    line = default;
                    return false;
                }

                LineNumber++;
                var start = _start;
                _start = _end;
                LastLineTooLong = skipping;
                line = skipping ? default : TrimCarriageReturn(_buffer.AsSpan(start, _end - start));
                return true;
            }

            Fill();
        }
    }

    /// <summary>Moves the unfinished line to the front and reads after it; called only when no indexed newline is left.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _indexed -= _start;
            _start = 0;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
