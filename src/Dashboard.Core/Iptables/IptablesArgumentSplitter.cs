namespace Dashboard.Core.Iptables;

/// <summary>
/// Splits one iptables-save rule into arguments the way iptables-restore does: blanks separate, "…" groups,
/// backslash escapes only inside quotes, a closing quote ends the argument. Reuses its buffers between lines.
/// </summary>
internal sealed class IptablesArgumentSplitter
{
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
        while (i < line.Length)
        {
            while (i < line.Length && line[i] <= (byte)' ')
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            var start = length;
            var quoted = false;
            var inQuote = false;
            for (; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuote)
                {
                    if (c == (byte)'\\' && i + 1 < line.Length)
                    {
                        _text[length++] = line[++i];
                    }
                    else if (c == (byte)'"')
                    {
                        inQuote = false;
                        i++;
                        break;
                    }
                    else
                    {
                        _text[length++] = c;
                    }
                }
                else if (c == (byte)'"')
                {
                    inQuote = quoted = true;
                }
                else if (c <= (byte)' ')
                {
                    break;
                }
                else
                {
                    _text[length++] = c;
                }
            }

            UnbalancedQuote |= inQuote;

            Add(start, length - start, quoted);
        }
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
