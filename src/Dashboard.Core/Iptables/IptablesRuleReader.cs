using Dashboard.Core.Parsing;

namespace Dashboard.Core.Iptables;

/// <summary>
/// Reads the arguments of one saved rule after `-A CHAIN`: takes out the comment match, the target and any
/// `-c p b` counters, writes the rest as the normalized spec, and notes the facts Neutron mapping needs.
/// </summary>
internal sealed class IptablesRuleReader
{
    private readonly Utf8StringPool _strings;
    private readonly Utf8Builder _spec = new();
    private readonly Utf8Builder _targetOptions = new();

    public IptablesRuleReader(Utf8StringPool strings) => _strings = strings;

    public ReadOnlySpan<byte> Spec => _spec.Written;
    public ReadOnlySpan<byte> TargetOptions => _targetOptions.Written;
    public string? Target { get; private set; }
    public bool Goto { get; private set; }
    public string? Comment { get; private set; }
    public ulong? Packets { get; private set; }
    public ulong? Bytes { get; private set; }

    /// <summary>The rule carried `-c p b`, readable or not.</summary>
    public bool CountersPrinted { get; private set; }
    public string? Source { get; private set; }
    public string? MacSource { get; private set; }
    public string? PhysdevIn { get; private set; }
    public string? PhysdevOut { get; private set; }
    public bool MatchesInvalidState { get; private set; }

    public void Read(IptablesArgumentSplitter arguments, int start, long line, CappedDiagnostics diagnostics)
    {
        Reset();
        var negated = false;
        var i = start;
        while (i < arguments.Count)
        {
            var argument = arguments[i];
            if (arguments.WasQuoted(i) || !IptablesOptions.IsOption(argument))
            {
                negated = arguments.Is(i, IptablesOptions.Not);
                _spec.AppendArgument(argument, KeepQuotes(arguments, i));
                AppendSeparatorSlot();
                i++;
                continue;
            }

            var option = IptablesOptions.ShortForm(argument);
            if (option.SequenceEqual(IptablesOptions.Jump) || option.SequenceEqual(IptablesOptions.Goto))
            {
                ReadTarget(arguments, i, line, diagnostics);
                break;
            }

            if (option.SequenceEqual(IptablesOptions.Match) && arguments.Is(i + 1, IptablesOptions.CommentModule))
            {
                i += 2;
                continue;
            }

            if (option.SequenceEqual(IptablesOptions.Comment))
            {
                i = ReadComment(arguments, i, line, diagnostics);
                continue;
            }

            if (option.SequenceEqual(IptablesOptions.SetCounters))
            {
                i = ReadCounters(arguments, i, line, diagnostics);
                continue;
            }

            NoteFact(arguments, i, option, negated);
            negated = false;
            _spec.AppendArgument(option, keepQuotes: false);
            AppendSeparatorSlot();
            i++;
        }

        TrimSeparator();
    }

    private void Reset()
    {
        _spec.Clear();
        _targetOptions.Clear();
        Target = Comment = Source = MacSource = PhysdevIn = PhysdevOut = null;
        Goto = MatchesInvalidState = CountersPrinted = false;
        Packets = Bytes = null;
    }

    private void ReadTarget(IptablesArgumentSplitter arguments, int i, long line, CappedDiagnostics diagnostics)
    {
        Goto = IptablesOptions.ShortForm(arguments[i]).SequenceEqual(IptablesOptions.Goto);
        if (i + 1 >= arguments.Count)
        {
            diagnostics.Error(line, "target", $"{Tokens.Show(arguments[i])} without a target name");
            return;
        }

        Target = _strings.Get(arguments[i + 1]);
        for (var k = i + 2; k < arguments.Count; k++)
        {
            if (!arguments.WasQuoted(k) && IptablesOptions.ShortForm(arguments[k]).SequenceEqual(IptablesOptions.SetCounters))
            {
                k = ReadCounters(arguments, k, line, diagnostics) - 1;
                continue;
            }

            if (_targetOptions.Length > 0)
            {
                _targetOptions.Append((byte)' ');
            }

            _targetOptions.AppendArgument(arguments[k], KeepQuotes(arguments, k));
        }
    }

    private int ReadComment(IptablesArgumentSplitter arguments, int i, long line, CappedDiagnostics diagnostics)
    {
        if (i + 1 >= arguments.Count)
        {
            diagnostics.Error(line, "comment", "--comment without a value");
            return i + 1;
        }

        var text = _strings.Get(arguments[i + 1]);
        Comment = Comment is null ? text : Comment + " " + text;
        return i + 2;
    }

    private int ReadCounters(IptablesArgumentSplitter arguments, int i, long line, CappedDiagnostics diagnostics)
    {
        CountersPrinted = true;
        if (i + 2 >= arguments.Count)
        {
            diagnostics.Error(line, "counters", "-c needs two numbers (packets bytes)");
            return arguments.Count;
        }

        if (Tokens.TryDecimal(arguments[i + 1], out var packets) && Tokens.TryDecimal(arguments[i + 2], out var bytes))
        {
            Packets = packets;
            Bytes = bytes;
        }
        else
        {
            diagnostics.Error(line, "counters",
                $"-c {Tokens.Show(arguments[i + 1], 24)} {Tokens.Show(arguments[i + 2], 24)}: not two unsigned 64-bit numbers; the rule's counters are null");
        }

        return i + 3;
    }

    private void NoteFact(IptablesArgumentSplitter arguments, int i, ReadOnlySpan<byte> option, bool negated)
    {
        var valueIndex = i + 1;
        if (arguments.Is(valueIndex, IptablesOptions.Not))
        {
            // Old syntax puts the negation after the option: -s ! 10.0.0.1
            negated = true;
            valueIndex++;
        }

        if (negated || valueIndex >= arguments.Count)
        {
            return;
        }

        var value = arguments[valueIndex];
        switch (option.Length)
        {
            case 2 when option.SequenceEqual(IptablesOptions.Source):
                Source = _strings.Get(value);
                break;
            case 12 when option.SequenceEqual(IptablesOptions.MacSource):
                MacSource = _strings.Get(value);
                break;
            case 12 when option.SequenceEqual(IptablesOptions.PhysdevIn):
                PhysdevIn = _strings.Get(value);
                break;
            case 13 when option.SequenceEqual(IptablesOptions.PhysdevOut):
                PhysdevOut = _strings.Get(value);
                break;
            case 7 when option.SequenceEqual(IptablesOptions.State):
            case 9 when option.SequenceEqual(IptablesOptions.ConntrackState):
                MatchesInvalidState |= IptablesOptions.ListsInvalid(value);
                break;
        }
    }

    private void AppendSeparatorSlot() => _spec.Append((byte)' ');

    private void TrimSeparator()
    {
        if (_spec.Length > 0)
        {
            _spec.Truncate(_spec.Length - 1);
        }
    }

    // A quoted "-x" or "!" is a value; keep its quotes so the spec reads back the same way.
    private static bool KeepQuotes(IptablesArgumentSplitter arguments, int i) =>
        arguments.WasQuoted(i) && (IptablesOptions.IsOption(arguments[i]) || arguments[i].SequenceEqual(IptablesOptions.Not));
}
