using Dashboard.Core.Parsing;

namespace Dashboard.Core.Iptables;

/// <summary>
/// `iptables [-t T] -L -v -n [-x] [--line-numbers]`, rows split on whitespace since columns drift. Without -x counters
/// are rounded (K/M/G/T = powers of 1000) and a warning says so. iptables prints no table name: the caller gives it,
/// or a `*table` / `Table: name` line in the input does.
/// </summary>
public sealed class IptablesListParser
{
    public const string DefaultTable = "filter";

    private readonly IptablesDump _dump = new();
    private readonly CappedDiagnostics _diagnostics = new();
    private readonly Utf8StringPool _strings = new();
    // Only short specs repeat across ports ("-p icmp", "-m state --state RELATED,ESTABLISHED"); long ones are unique.
    private readonly Utf8StringPool _specs = new(maxEntries: 4096, maxLength: 48);
    private readonly Utf8Builder _spec = new();
    private readonly Utf8Builder _options = new();
    private readonly RuleIdentityHasher _identity = new();
    private readonly NeutronPortMap _ports = new();
    private readonly Dictionary<string, IptablesTable> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<(IptablesTable, string), IptablesChain> _chains = [];
    private IptablesTable _table = null!;
    private IptablesChain? _chain;
    private bool _hasLineNumbers;
    private bool _hasCounters = true;
    private bool _hasInterfaces = true;
    private bool _roundedCountersReported;
    private long _usableLines;
    private long _rules;
    private long _firstUncountedLine;
    private long _firstUnreadableLine;
    private string? _firstUnreadable;

    private IptablesListParser()
    {
    }

    public static ParseOutcome<IptablesDump> Parse(Stream input) => Parse(input, DefaultTable);

    public static ParseOutcome<IptablesDump> Parse(Stream input, string table)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        var parser = new IptablesListParser();
        parser.UseTable(table);
        return parser.Run(input);
    }

    private ParseOutcome<IptablesDump> Run(Stream input)
    {
        using var reader = new LineReader(input);
        while (reader.TryReadLine(out var raw))
        {
            var number = reader.LineNumber;
            if (reader.LastLineTooLong)
            {
                _diagnostics.Error(number, null, "line too long; skipped");
                continue;
            }

            var line = Tokens.TrimBlanks(raw);
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                LegacyTablesNotice.TryNote(line, number, _dump, _diagnostics, "iptables-legacy -L -v -n -x");
                continue;
            }

            if (line.StartsWith("Chain "u8))
            {
                ReadChainHeader(line["Chain "u8.Length..], number);
            }
            else if (line[0] == (byte)'*' || line.StartsWith("Table:"u8))
            {
                UseTable(_strings.Get(Tokens.TrimBlanks(line[0] == (byte)'*' ? line[1..] : line["Table:"u8.Length..])));
                _chain = null;
            }
            else if (line.StartsWith("pkts"u8) || line.StartsWith("num"u8) || line.StartsWith("target"u8))
            {
                ReadColumnHeader(line);
            }
            else
            {
                ReadRow(line, number);
            }
        }

        // A table named but never filled (the default, or a `*table` line with nothing after it) says nothing.
        if (_dump.Tables.Exists(t => t.Chains.Count > 0))
        {
            _dump.Tables.RemoveAll(t => t.Chains.Count == 0);
        }

        WarnOfMissingCounters();
        _dump.NeutronPorts = _ports.Build();
        var diagnostics = _diagnostics.ToList();
        _dump.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        return new ParseOutcome<IptablesDump>(_dump, diagnostics, reader.LineNumber, _usableLines);
    }

    /// <summary>One warning for the whole listing: counters missing from a listing are missing from every row alike.</summary>
    private void WarnOfMissingCounters()
    {
        if (_firstUncountedLine > 0)
        {
            _diagnostics.Warning(_firstUncountedLine, "pkts", "no rule counters: run iptables -L -v -n -x; the rules' packets and bytes are null");
        }

        if (_firstUnreadable is not null)
        {
            _diagnostics.Warning(_firstUnreadableLine, "pkts",
                $"no rule counters: '{_firstUnreadable}' is not a number (redacted?); packets and bytes of {_dump.RulesWithoutCounters} of {_rules} rules are null");
        }
    }

    private void UseTable(string name)
    {
        if (name.Length == 0)
        {
            name = DefaultTable;
        }

        if (!_tables.TryGetValue(name, out var table))
        {
            table = new IptablesTable { Name = name };
            _tables.Add(name, table);
            _dump.Tables.Add(table);
        }

        _table = table;
    }

    private void ReadChainHeader(ReadOnlySpan<byte> rest, long number)
    {
        if (!Tokens.Next(ref rest, out var name))
        {
            _diagnostics.Error(number, "chain", "'Chain' without a name");
            _chain = null;
            return;
        }

        var chainName = _strings.Get(name);
        if (_chains.TryGetValue((_table, chainName), out _chain))
        {
            _diagnostics.Warning(number, "chain", $"chain {chainName} listed twice; rows are appended to the first listing");
            return;
        }

        _chain = new IptablesChain { Name = chainName, Neutron = NeutronChains.PortChain(chainName) };
        _table.Chains.Add(_chain);
        _chains.Add((_table, chainName), _chain);
        if (_chain.Neutron is not null)
        {
            _ports.AddChain(_chain.Neutron);
        }

        _usableLines++;
        ReadChainSummary(Tokens.TrimBlanks(rest), _chain, number);
    }

    private void ReadChainSummary(ReadOnlySpan<byte> summary, IptablesChain chain, long number)
    {
        // "(policy ACCEPT 400 packets, 65901 bytes)", "(policy DROP)", "(2 references)"
        if (summary.Length < 2 || summary[0] != (byte)'(' || summary[^1] != (byte)')')
        {
            _diagnostics.Warning(number, "chain", $"chain {chain.Name}: '{Tokens.Show(summary)}' is not a (policy …) or (N references) summary");
            return;
        }

        var rest = summary[1..^1];
        Tokens.Next(ref rest, out var first);
        if (!first.SequenceEqual("policy"u8))
        {
            return;
        }

        if (Tokens.Next(ref rest, out var policy))
        {
            chain.Policy = _strings.Get(policy);
            if (chain.Policy is not ("ACCEPT" or "DROP"))
            {
                _diagnostics.Warning(number, "policy", $"unknown policy '{chain.Policy}' kept as printed");
            }
        }

        if (!Tokens.Next(ref rest, out var packets))
        {
            return;
        }

        Tokens.Next(ref rest, out _);
        Tokens.Next(ref rest, out var bytes);
        chain.PacketCount = ReadCount(packets, number, "packets");
        chain.ByteCount = ReadCount(bytes, number, "bytes");
    }

    private void ReadColumnHeader(ReadOnlySpan<byte> line)
    {
        _hasLineNumbers = line.StartsWith("num"u8);
        _hasCounters = line.IndexOf("pkts"u8) >= 0;
        _hasInterfaces = line.IndexOf(" in "u8) >= 0;
    }

    private void ReadRow(ReadOnlySpan<byte> rest, long number)
    {
        if (_chain is null)
        {
            _diagnostics.Error(number, null, $"rule row outside a chain: '{Tokens.Show(rest)}'");
            return;
        }

        var index = _chain.Rules.Count + 1;
        if (_hasLineNumbers && Tokens.Next(ref rest, out var num) && (!Tokens.TryDecimal(num, out var printed) || printed != (ulong)index))
        {
            _diagnostics.Warning(number, "num", $"line number '{Tokens.Show(num, 24)}' where rule {index} of {_chain.Name} was expected");
        }

        ulong? packets = null, bytes = null;
        if (_hasCounters)
        {
            Tokens.Next(ref rest, out var packetText);
            Tokens.Next(ref rest, out var byteText);
            packets = ReadCount(packetText, number, "pkts");
            bytes = ReadCount(byteText, number, "bytes");
        }
        else if (_firstUncountedLine == 0)
        {
            _firstUncountedLine = number;
        }

        if (!ReadColumns(ref rest, out var columns, number))
        {
            return;
        }

        var comment = TakeComment(Tokens.TrimBlanks(rest), number);
        var options = _options.Written;
        var facts = ReadFacts(options, columns.Source);
        BuildSpec(columns, options);
        var target = columns.Target.IsEmpty ? null : _strings.Get(columns.Target);
        var rule = new IptablesRule
        {
            Index = index,
            PacketCount = packets,
            ByteCount = bytes,
            Target = target,
            Comment = comment,
            Spec = _specs.Get(_spec.Written),
        };
        rule.DropKind = NeutronChains.DropKindOf(_chain.Name, comment, target, facts.MatchesInvalidState);
        rule.Neutron = _chain.Neutron ?? NeutronChains.PortChain(target ?? "") ?? _ports.PhysdevRef(facts.PhysdevIn, facts.PhysdevOut);
        rule.Identity = _identity.Compute(_table.Name, _chain.Name, comment, target, false, null, _spec.Written);
        _chain.Rules.Add(rule);
        _ports.AddDevice(facts.PhysdevIn, number, _diagnostics);
        _ports.AddDevice(facts.PhysdevOut, number, _diagnostics);
        if (_chain.Neutron is { Direction: NeutronChains.Spoof } spoof && target == "RETURN" && facts.Source is { } source)
        {
            _ports.AddAllowedPair(spoof, source, facts.Mac, number, _diagnostics);
        }

        _rules++;
        _dump.RulesWithoutCounters += rule.HasCounters ? 0 : 1;
        _usableLines++;
    }

    private bool ReadColumns(ref ReadOnlySpan<byte> rest, out RowColumns columns, long number)
    {
        columns = default;
        var start = rest;
        Tokens.Next(ref rest, out var first);
        Tokens.Next(ref rest, out var second);
        if (IsOptColumn(second))
        {
            // No -j: the target column is blank and the row starts at prot.
            columns.Protocol = first;
            columns.Opt = second;
        }
        else
        {
            Tokens.Next(ref rest, out var third);
            if (!IsOptColumn(third))
            {
                _diagnostics.Error(number, "opt", $"no opt column (--, -f or !f) in '{Tokens.Show(start)}'; row skipped");
                return false;
            }

            columns.Target = first;
            columns.Protocol = second;
            columns.Opt = third;
        }

        if (_hasInterfaces)
        {
            Tokens.Next(ref rest, out var inInterface);
            Tokens.Next(ref rest, out var outInterface);
            columns.In = inInterface;
            columns.Out = outInterface;
        }

        Tokens.Next(ref rest, out var source);
        if (!Tokens.Next(ref rest, out var destination))
        {
            _diagnostics.Error(number, "destination", $"row ends before the destination column: '{Tokens.Show(start)}'; row skipped");
            return false;
        }

        columns.Source = source;
        columns.Destination = destination;
        return true;
    }

    /// <summary>Takes the `/* comment */` out of the options text, leaving the rest in <see cref="_options"/>.</summary>
    private string? TakeComment(ReadOnlySpan<byte> options, long number)
    {
        _options.Clear();
        var open = options.IndexOf("/* "u8);
        if (open < 0)
        {
            _options.Append(options);
            return null;
        }

        _options.Append(Tokens.TrimBlanks(options[..open]));
        var body = options[(open + 3)..];
        var close = body.IndexOf(" */"u8);
        if (close < 0)
        {
            _diagnostics.Warning(number, "comment", "'/*' without '*/'; the comment runs to the end of the row");
            return _strings.Get(Tokens.TrimBlanks(body));
        }

        _options.Append((byte)' ');
        _options.Append(Tokens.TrimBlanks(body[(close + 3)..]));
        return _strings.Get(body[..close]);
    }

    private void BuildSpec(in RowColumns columns, ReadOnlySpan<byte> options)
    {
        _spec.Clear();
        AppendColumn("-p"u8, columns.Protocol, "all"u8);
        if (columns.Opt.SequenceEqual("-f"u8))
        {
            AppendWord("-f"u8);
        }
        else if (columns.Opt.SequenceEqual("!f"u8))
        {
            AppendWord("!"u8);
            AppendWord("-f"u8);
        }

        AppendColumn("-i"u8, columns.In, "*"u8);
        AppendColumn("-o"u8, columns.Out, "*"u8);
        AppendAddress("-s"u8, columns.Source);
        AppendAddress("-d"u8, columns.Destination);
        while (Tokens.Next(ref options, out var word))
        {
            AppendWord(word);
        }
    }

    private void AppendAddress(ReadOnlySpan<byte> option, ReadOnlySpan<byte> value)
    {
        if (!IsAnyAddress(value))
        {
            AppendColumn(option, value, default);
        }
    }

    private void AppendColumn(ReadOnlySpan<byte> option, ReadOnlySpan<byte> value, ReadOnlySpan<byte> unset)
    {
        if (value.IsEmpty || value.SequenceEqual(unset))
        {
            return;
        }

        if (value[0] == (byte)'!')
        {
            AppendWord("!"u8);
            value = value[1..];
        }

        AppendWord(option);
        AppendWord(value);
    }

    private void AppendWord(ReadOnlySpan<byte> word)
    {
        if (_spec.Length > 0)
        {
            _spec.Append((byte)' ');
        }

        _spec.Append(word);
    }

    /// <returns>The counter, or null when the column holds no number (a redacted or cut listing).</returns>
    private ulong? ReadCount(ReadOnlySpan<byte> text, long number, string field)
    {
        if (Tokens.TryDecimal(text, out var exact))
        {
            return exact;
        }

        if (text.Length >= 2 && Tokens.TryDecimal(text[..^1], out var rounded) && SuffixScale(text[^1]) is var scale and > 0)
        {
            if (!_roundedCountersReported)
            {
                _roundedCountersReported = true;
                _diagnostics.Warning(number, field, $"'{Tokens.Show(text, 24)}': counters are rounded (listing made without -x); K/M/G/T taken as powers of 1000");
            }

            try
            {
                return checked(rounded * scale);
            }
            catch (OverflowException)
            {
                _diagnostics.Error(number, field, $"'{Tokens.Show(text, 24)}' does not fit in 64 bits; the counter is null");
                return null;
            }
        }

        if (_firstUnreadable is null)
        {
            (_firstUnreadable, _firstUnreadableLine) = (Tokens.Show(text, 24), number);
        }

        return null;
    }

    private static ulong SuffixScale(byte suffix) => suffix switch
    {
        (byte)'K' => 1_000UL,
        (byte)'M' => 1_000_000UL,
        (byte)'G' => 1_000_000_000UL,
        (byte)'T' => 1_000_000_000_000UL,
        _ => 0,
    };

    private static bool IsOptColumn(ReadOnlySpan<byte> token) =>
        token.SequenceEqual("--"u8) || token.SequenceEqual("-f"u8) || token.SequenceEqual("!f"u8);

    private static bool IsAnyAddress(ReadOnlySpan<byte> address) =>
        address.SequenceEqual("0.0.0.0/0"u8) || address.SequenceEqual("::/0"u8) || address.SequenceEqual("anywhere"u8);

    /// <summary>The fixed columns of one row, as printed.</summary>
    private ref struct RowColumns
    {
        public ReadOnlySpan<byte> Target;
        public ReadOnlySpan<byte> Protocol;
        public ReadOnlySpan<byte> Opt;
        public ReadOnlySpan<byte> In;
        public ReadOnlySpan<byte> Out;
        public ReadOnlySpan<byte> Source;
        public ReadOnlySpan<byte> Destination;
    }

    /// <summary>What Neutron mapping needs from a row: `MAC x`, `--physdev-in/out tapX`, `state|ctstate INVALID`, plain source.</summary>
    private RowFacts ReadFacts(ReadOnlySpan<byte> options, ReadOnlySpan<byte> source)
    {
        var facts = new RowFacts
        {
            Source = source.IsEmpty || source[0] == (byte)'!' || IsAnyAddress(source) ? null : _strings.Get(source),
        };
        scoped ReadOnlySpan<byte> previous = default;
        while (Tokens.Next(ref options, out var word))
        {
            if (previous.SequenceEqual("MAC"u8) && word[0] != (byte)'!')
            {
                facts.Mac = _strings.Get(word);
            }
            else if (previous.SequenceEqual(IptablesOptions.PhysdevIn))
            {
                facts.PhysdevIn = _strings.Get(word);
            }
            else if (previous.SequenceEqual(IptablesOptions.PhysdevOut))
            {
                facts.PhysdevOut = _strings.Get(word);
            }
            else if ((previous.SequenceEqual("state"u8) || previous.SequenceEqual("ctstate"u8)) && IptablesOptions.ListsInvalid(word))
            {
                facts.MatchesInvalidState = true;
            }

            previous = word;
        }

        return facts;
    }

    private struct RowFacts
    {
        public string? Source;
        public string? Mac;
        public string? PhysdevIn;
        public string? PhysdevOut;
        public bool MatchesInvalidState;
    }
}
