using System.Runtime.InteropServices;

namespace Dashboard.Core.Iptables;

/// <summary>
/// Computes <see cref="RuleIdentity"/> with reusable buffers. The spec is cut into clauses (an option with its
/// values, a `-m module` with its options) and the clauses are sorted, so re-ordered or re-spaced renderings
/// of the same rule hash alike.
/// </summary>
internal sealed class RuleIdentityHasher
{
    private readonly IptablesArgumentSplitter _arguments = new();
    private readonly Utf8Builder _encoded = new();
    private readonly Utf8Builder _encodedTargetOptions = new();
    private readonly Utf8Builder _clauseText = new();
    private readonly Utf8Builder _input = new();
    private readonly List<TextRange> _items = [];
    private readonly List<TextRange> _moduleOptions = [];
    // One delegate for every sort: List.Sort(IComparer) makes a new one per call, two per rule.
    private readonly Comparison<TextRange> _compare;

    public RuleIdentityHasher() => _compare = new TextRangeComparer(_clauseText).Compare;

    public string Compute(string table, string chain, string? comment, string? target, bool isGoto, string? targetOptions, string spec)
    {
        _encoded.Clear();
        _encoded.Append(spec);
        return Compute(table, chain, comment, target, isGoto, targetOptions, _encoded.Written);
    }

    public string Compute(string table, string chain, string? comment, string? target, bool isGoto, string? targetOptions, ReadOnlySpan<byte> spec)
    {
        _input.Clear();
        _input.Append(table);
        _input.Append((byte)'\n');
        _input.Append(chain);
        _input.Append((byte)'\n');
        _input.Append(comment);
        _input.Append((byte)'\n');
        if (target is not null)
        {
            _input.Append(isGoto ? "-g "u8 : "-j "u8);
            _input.Append(target);
            AppendTargetOptions(targetOptions);
        }

        _input.Append((byte)'\n');
        AppendCanonicalSpec(spec);

        return Hex(System.IO.Hashing.XxHash64.HashToUInt64(_input.Written));
    }

    private static string Hex(ulong value) =>
        string.Create(16, value, static (chars, v) =>
        {
            for (var i = 15; i >= 0; i--, v >>= 4)
            {
                chars[i] = "0123456789abcdef"[(int)(v & 0xF)];
            }
        });

    private void AppendTargetOptions(string? targetOptions)
    {
        if (string.IsNullOrEmpty(targetOptions))
        {
            return;
        }

        _encodedTargetOptions.Clear();
        _encodedTargetOptions.Append(targetOptions);
        _arguments.Split(_encodedTargetOptions.Written);
        for (var i = 0; i < _arguments.Count; i++)
        {
            _input.Append((byte)' ');
            AppendQuotedIfNeeded(_input, i);
        }
    }

    private void AppendCanonicalSpec(ReadOnlySpan<byte> spec)
    {
        _arguments.Split(spec);
        _clauseText.Clear();
        _items.Clear();
        _moduleOptions.Clear();
        TextRange? module = null;
        var i = 0;
        while (i < _arguments.Count)
        {
            var start = i;
            if (IsNegation(i))
            {
                i++;
            }

            var option = IptablesOptions.ShortForm(_arguments[i]);
            var optionIndex = i++;
            while (i < _arguments.Count && !IsOptionAt(i) && !IsNegation(i))
            {
                i++;
            }

            var clause = WriteClause(start, optionIndex, i);
            if (!_arguments.WasQuoted(optionIndex) && option.SequenceEqual(IptablesOptions.Match))
            {
                FlushModule(module);
                module = clause;
            }
            else if (module is not null && !(IptablesOptions.IsOption(option) && IptablesOptions.IsBuiltin(option)))
            {
                _moduleOptions.Add(clause);
            }
            else
            {
                _items.Add(clause);
            }
        }

        FlushModule(module);
        CollectionsMarshal.AsSpan(_items).Sort(_compare);
        for (var k = 0; k < _items.Count; k++)
        {
            if (k > 0)
            {
                _input.Append((byte)' ');
            }

            _input.Append(_clauseText.Slice(_items[k].Start, _items[k].Length));
        }
    }

    private void FlushModule(TextRange? module)
    {
        if (module is not { } header)
        {
            return;
        }

        CollectionsMarshal.AsSpan(_moduleOptions).Sort(_compare);
        var start = _clauseText.Length;
        _clauseText.Append(_clauseText.Slice(header.Start, header.Length));
        foreach (var option in _moduleOptions)
        {
            _clauseText.Append((byte)' ');
            _clauseText.Append(_clauseText.Slice(option.Start, option.Length));
        }

        _items.Add(new TextRange(start, _clauseText.Length - start));
        _moduleOptions.Clear();
    }

    private TextRange WriteClause(int from, int optionIndex, int to)
    {
        var start = _clauseText.Length;
        for (var k = from; k < to; k++)
        {
            if (k > from)
            {
                _clauseText.Append((byte)' ');
            }

            if (k == optionIndex && !_arguments.WasQuoted(k))
            {
                _clauseText.Append(IptablesOptions.ShortForm(_arguments[k]));
            }
            else
            {
                AppendQuotedIfNeeded(_clauseText, k);
            }
        }

        return new TextRange(start, _clauseText.Length - start);
    }

    private void AppendQuotedIfNeeded(Utf8Builder output, int index) =>
        output.AppendArgument(_arguments[index], KeepQuotes(index));

    private bool KeepQuotes(int index) =>
        _arguments.WasQuoted(index) && (IptablesOptions.IsOption(_arguments[index]) || _arguments[index].SequenceEqual(IptablesOptions.Not));

    private bool IsOptionAt(int index) => !_arguments.WasQuoted(index) && IptablesOptions.IsOption(_arguments[index]);

    private bool IsNegation(int index) => _arguments.Is(index, IptablesOptions.Not) && index + 1 < _arguments.Count && IsOptionAt(index + 1);

    private readonly record struct TextRange(int Start, int Length);

    private sealed class TextRangeComparer(Utf8Builder text) : IComparer<TextRange>
    {
        public int Compare(TextRange x, TextRange y) =>
            text.Slice(x.Start, x.Length).SequenceCompareTo(text.Slice(y.Start, y.Length));
    }
}
