using System.Buffers;

namespace Dashboard.Core.Iptables;

/// <summary>
/// Splits one iptables-save rule into arguments the way iptables-restore does: blanks separate, "…" groups,
/// backslash escapes only inside quotes, a closing quote ends the argument. Reuses its buffers between lines.
/// </summary>
internal sealed class IptablesArgumentSplitter
{
    private static readonly SearchValues<byte> s_blankOrQuote = SearchValues.Create(
        [.. Enumerable.Range(0, 33).Select(b => (byte)b), (byte)'"']);

    private byte[] _text = new byte[512];
    private Argument[] _arguments = new Argument[64];

    public int Count { get; private set; }

    /// <summary>The line ended inside a quoted argument; that argument runs to the end of the line.</summary>
    public bool UnbalancedQuote { get; private set; }

    public ReadOnlySpan<byte> this[int index] => _text.AsSpan(_arguments[index].Start, _arguments[index].Length);

    /// <summary>The argument was written in quotes: it is a value even when it starts with '-' or is "!".</summary>
    public bool WasQuoted(int index) => _arguments[index].Quoted;

    public bool Is(int index, ReadOnlySpan<byte> value) => index < Count && !WasQuoted(index) && this[index].SequenceEqual(value);

    public void Split(ReadOnlySpan<byte> line)
    {
        if (_text.Length < line.Length)
        {
            _text = new byte[Math.Max(line.Length, _text.Length * 2)];
        }

        Count = 0;
        UnbalancedQuote = false;
        var length = 0;
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] <= (byte)' ')
            {
                i++;
            }

            if (i == line.Length)
            {
                return;
            }

            var start = length;
            var quoted = false;
            while (i < line.Length)
            {
                // Copy the plain run up to the next blank or quote in one go.
                var run = line[i..].IndexOfAny(s_blankOrQuote);
                run = run < 0 ? line.Length - i : run;
                line.Slice(i, run).CopyTo(_text.AsSpan(length));
                length += run;
                i += run;
                if (i == line.Length || line[i] != (byte)'"')
                {
                    break;
                }

                quoted = true;
                i = CopyQuoted(line, i + 1, ref length, out var closed);
                if (!closed)
                {
                    UnbalancedQuote = true;
                    break;
                }

                // A closing quote ends the argument, as in iptables-restore.
                break;
            }

            Add(start, length - start, quoted);
        }
    }

    /// <summary>Copies a quoted part, unescaping \x; returns the index after the closing quote (or the line's end).</summary>
    private int CopyQuoted(ReadOnlySpan<byte> line, int i, ref int length, out bool closed)
    {
        while (i < line.Length)
        {
            var run = line[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (run < 0)
            {
                break;
            }

            line.Slice(i, run).CopyTo(_text.AsSpan(length));
            length += run;
            i += run;
            if (line[i] == (byte)'"')
            {
                closed = true;
                return i + 1;
            }

            if (i + 1 < line.Length)
            {
                i++;
            }

            _text[length++] = line[i++];
        }

        line[i..].CopyTo(_text.AsSpan(length));
        length += line.Length - i;
        closed = false;
        return line.Length;
    }

    private void Add(int start, int length, bool quoted)
    {
        if (Count == _arguments.Length)
        {
            Array.Resize(ref _arguments, _arguments.Length * 2);
        }

        _arguments[Count++] = new Argument(start, length, quoted);
    }

    private readonly record struct Argument(int Start, int Length, bool Quoted);
}
