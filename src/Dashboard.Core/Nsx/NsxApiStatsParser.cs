using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Nsx;

/// <summary>
/// NSX Manager/Policy statistics JSON, whichever document it is: an object with a rule id and counts is a rule
/// (FirewallStatsList, SecurityPolicyStatistics, …); an object with numeric `*_drops`/`*_dropped` fields is a filter
/// whose counters are those drops by reason (DistributedFirewall, DatapathPacketDrops). Counts may be strings.
/// </summary>
public sealed class NsxApiStatsParser
{
    public const int MaxInputBytes = 32 * 1024 * 1024;
    public const int MaxDepth = 64;

    // The docs fix no key for "which vNIC/host is this"; these are the identifying fields NSX objects commonly carry.
    private static readonly string[] s_identityFields =
        ["vif", "vif_id", "vif_uuid", "interface_id", "lport_id", "logical_port_id", "port_id", "transport_node_id", "node_id", "host_id", "display_name", "id"];

    private static readonly HashSet<string> s_ruleIdFields = new(StringComparer.Ordinal) { "rule_id", "internal_rule_id" };

    private static readonly HashSet<string> s_ruleCountFields = new(StringComparer.Ordinal) { "packet_count", "byte_count", "hit_count", "session_count" };

    private readonly NsxFirewallStats _stats = new();
    private readonly CappedDiagnostics _diagnostics = new();
    private readonly List<Container> _stack = [];
    private readonly List<Container> _dropObjects = [];
    private readonly Dictionary<string, NsxFilter> _filters = new(StringComparer.Ordinal);
    private byte[] _json = [];
    private int _length;
    private int _scannedTo;
    private long _line = 1;

    private NsxApiStatsParser()
    {
    }

    public static ParseOutcome<NsxFirewallStats> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new NsxApiStatsParser().Run(input);
    }

    private ParseOutcome<NsxFirewallStats> Run(Stream input)
    {
        if (!ReadAll(input))
        {
            _diagnostics.Error(LineAt(_length), "$", $"input is larger than {MaxInputBytes} bytes; not parsed");
        }
        else if (_length == 0 || Tokens.TrimBlanks(_json.AsSpan(0, _length)).IsEmpty)
        {
            _diagnostics.Error(1, "$", "empty input: no JSON document");
        }
        else
        {
            Walk();
        }

        foreach (var drops in _dropObjects)
        {
            AddFilter(drops);
        }

        if (_stats.Rules.Count == 0 && _stats.Filters.Count == 0 && _diagnostics.Count == 0)
        {
            _diagnostics.Warning(1, "$", "no rule statistics and no *_drops counters in this document");
        }

        var diagnostics = _diagnostics.ToList();
        _stats.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        var lines = TotalLines();
        return new ParseOutcome<NsxFirewallStats>(_stats, diagnostics, lines, _stats.Rules.Count + _stats.Filters.Count);
    }

    private bool ReadAll(Stream input)
    {
        _json = new byte[64 * 1024];
        int read;
        while ((read = input.Read(_json, _length, _json.Length - _length)) > 0)
        {
            _length += read;
            if (_length > MaxInputBytes)
            {
                return false;
            }

            if (_length == _json.Length)
            {
                Array.Resize(ref _json, Math.Min(_json.Length * 2, MaxInputBytes + 1));
            }
        }

        return true;
    }

    private void Walk()
    {
        var reader = new Utf8JsonReader(_json.AsSpan(0, _length), new JsonReaderOptions
        {
            MaxDepth = MaxDepth,
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Enter(reader.TokenType == JsonTokenType.StartArray, reader.TokenStartIndex);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        Leave();
                        break;
                    case JsonTokenType.PropertyName:
                        _stack[^1].PendingKey = ReadString(ref reader);
                        break;
                    default:
                        ReadValue(ref reader);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            // At the end of input the reader stands on the line after the last line end; report the last real line.
            var line = Math.Clamp(e.LineNumber is { } zeroBased ? zeroBased + 1 : LineAt((int)reader.TokenStartIndex), 1, Math.Max(TotalLines(), 1));
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            _diagnostics.Error(line, PathOf(_stack.Count > 0 ? _stack[^1] : null), $"invalid JSON at byte {e.BytePositionInLine + 1} of the line: {(cut > 0 ? reason[..cut] : reason)}");
        }
    }

    private void Enter(bool isArray, long offset)
    {
        var parent = _stack.Count > 0 ? _stack[^1] : null;
        var container = new Container(parent, isArray, LineAt((int)offset));
        if (parent is not null)
        {
            container.Key = parent.IsArray ? null : parent.PendingKey;
            container.Index = parent.IsArray ? parent.NextIndex++ : -1;
            parent.PendingKey = null;
        }

        _stack.Add(container);
    }

    private void Leave()
    {
        var container = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (container.IsArray)
        {
            return;
        }

        var ruleId = container.RuleIds?.GetValueOrDefault("rule_id") ?? container.RuleIds?.GetValueOrDefault("internal_rule_id")
            ?? container.RulePath?[(container.RulePath.LastIndexOf('/') + 1)..];
        if (ruleId is not null && container.Counts is { } counts)
        {
            _stats.Rules.Add(new NsxRuleStats
            {
                RuleId = ruleId,
                Path = container.RulePath,
                Packets = counts.GetValueOrDefault("packet_count"),
                Bytes = counts.GetValueOrDefault("byte_count"),
                Hits = counts.GetValueOrDefault("hit_count"),
                Sessions = counts.GetValueOrDefault("session_count"),
            });
        }

        if (container.Drops is not null)
        {
            container.Path = PathOf(container);
            _dropObjects.Add(container);
        }
    }

    private void ReadValue(ref Utf8JsonReader reader)
    {
        if (_stack.Count == 0)
        {
            _diagnostics.Warning(LineAt((int)reader.TokenStartIndex), "$", "the document is a single value, not an object or array");
            return;
        }

        var container = _stack[^1];
        if (container.IsArray)
        {
            container.NextIndex++;
            return;
        }

        var key = container.PendingKey;
        container.PendingKey = null;
        if (key is null)
        {
            return;
        }

        var isDrop = key.EndsWith("_drops", StringComparison.Ordinal) || key.EndsWith("_dropped", StringComparison.Ordinal);
        if (isDrop || s_ruleCountFields.Contains(key))
        {
            if (TryCount(ref reader, key, out var count))
            {
                if (isDrop)
                {
                    (container.Drops ??= new(StringComparer.Ordinal))[key] = count;
                }
                else
                {
                    (container.Counts ??= new(StringComparer.Ordinal))[key] = count;
                }
            }

            return;
        }

        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
        {
            return;
        }

        var text = reader.TokenType == JsonTokenType.String ? ReadString(ref reader) : Encoding.UTF8.GetString(reader.ValueSpan);
        if (key == "rule")
        {
            container.RulePath = text;
        }
        else if (s_ruleIdFields.Contains(key))
        {
            (container.RuleIds ??= new(StringComparer.Ordinal))[key] = text;
        }
        else if (Array.IndexOf(s_identityFields, key) is var rank and >= 0 && rank < container.IdentityRank)
        {
            container.Identity = text;
            container.IdentityRank = rank;
        }
    }

    private string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            _diagnostics.Warning(LineAt((int)reader.TokenStartIndex), PathOf(_stack.Count > 0 ? _stack[^1] : null), "string is not valid UTF-8; read with replacement characters");
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private bool TryCount(ref Utf8JsonReader reader, string key, out ulong count)
    {
        count = 0;
        var line = LineAt((int)reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetUInt64(out count):
                return true;
            case JsonTokenType.String when !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out count, out var used) && used == reader.ValueSpan.Length:
                return true;
            case JsonTokenType.Null:
                _diagnostics.Warning(line, PathOf(_stack[^1], key), "null count; left out");
                return false;
            default:
                var shown = reader.TokenType is JsonTokenType.String or JsonTokenType.Number ? Tokens.Show(reader.ValueSpan, 40) : reader.TokenType.ToString();
                _diagnostics.Error(line, PathOf(_stack[^1], key), $"'{shown}' is not an unsigned 64-bit count; left out");
                return false;
        }
    }

    private void AddFilter(Container drops)
    {
        var name = drops.Path!;
        for (var c = drops; c is not null; c = c.Parent)
        {
            if (c.Identity is not null)
            {
                name = c.Identity;
                break;
            }
        }

        if (!_filters.TryGetValue(name, out var filter))
        {
            filter = NsxFilterName.NewFilter(name);
            _filters.Add(name, filter);
            _stats.Filters.Add(filter);
        }

        foreach (var (field, count) in drops.Drops!)
        {
            var reason = NsxReasonName.FromApiField(field);
            if (!filter.Counters.TryAdd(reason, count))
            {
                _diagnostics.Warning(drops.Line, drops.Path, $"{name} has reason {reason} twice ({field}); keeping the last");
                filter.Counters[reason] = count;
            }
        }
    }

    /// <summary>JSON path of a container, and of one of its fields when a key is given: $.results[3].packet_count.</summary>
    private static string PathOf(Container? container, string? key = null)
    {
        var path = container is null ? "$" : Locate(container);
        return key is null ? path : $"{path}.{key}";

        static string Locate(Container container) => container.Parent is not { } parent
            ? "$"
            : container.Index >= 0 ? $"{Locate(parent)}[{container.Index}]" : $"{Locate(parent)}.{container.Key}";
    }

    private long TotalLines()
    {
        var text = _json.AsSpan(0, _length);
        return text.Count((byte)'\n') + (text.IsEmpty || text[^1] == (byte)'\n' ? 0 : 1);
    }

    /// <summary>1-based line of a byte offset; offsets only move forward, so the count is incremental.</summary>
    private long LineAt(int offset)
    {
        offset = Math.Min(offset, _length);
        if (offset > _scannedTo)
        {
            _line += _json.AsSpan(_scannedTo, offset - _scannedTo).Count((byte)'\n');
            _scannedTo = offset;
        }

        return _line;
    }

    private sealed class Container(Container? parent, bool isArray, long line)
    {
        public Container? Parent { get; } = parent;
        public bool IsArray { get; } = isArray;
        public long Line { get; } = line;
        public string? Key { get; set; }
        public int Index { get; set; } = -1;
        public int NextIndex { get; set; }
        public string? PendingKey { get; set; }
        public string? Path { get; set; }
        public string? RulePath { get; set; }
        public Dictionary<string, string>? RuleIds { get; set; }
        public string? Identity { get; set; }
        public int IdentityRank { get; set; } = int.MaxValue;
        // Created on first use: a hostile document can hold millions of empty objects.
        public Dictionary<string, ulong>? Counts { get; set; }
        public Dictionary<string, ulong>? Drops { get; set; }
    }
}
