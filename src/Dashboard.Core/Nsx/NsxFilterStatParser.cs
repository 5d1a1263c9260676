using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Nsx;

/// <summary>
/// `vsipioctl getfilterstat -f &lt;filter&gt;` in its documented layout (KB 301324; no real capture is public): `key : value`
/// lines, header fields then counters by key (reasons appear only when non-zero). Each filter starts at its name
/// (alone on a line, or `name:` / `filter name:`); one unnamed filter takes the name the caller gives.
/// </summary>
public sealed class NsxFilterStatParser
{
    private static readonly HashSet<string> s_headerKeys = new(StringComparer.Ordinal)
    {
        "fw-algorithm", "sessions", "flags", "states", "rules", "table-count", "filter-version", "ruleset-gen", "hash", "last-purge",
    };

    private readonly NsxFirewallStats _stats = new();
    private readonly CappedDiagnostics _diagnostics = new();
    private readonly Dictionary<string, NsxFilter> _filters = new(StringComparer.Ordinal);
    private readonly string? _defaultName;
    private NsxFilter? _filter;
    private long _usableLines;

    private NsxFilterStatParser(string? filterName) => _defaultName = filterName;

    public static ParseOutcome<NsxFirewallStats> Parse(Stream input) => Parse(input, null);

    public static ParseOutcome<NsxFirewallStats> Parse(Stream input, string? filterName)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new NsxFilterStatParser(filterName).Run(input);
    }

    private ParseOutcome<NsxFirewallStats> Run(Stream input)
    {
        var lines = TextLines.ForEach(input, _diagnostics, trim: true, ReadLine);
        var diagnostics = _diagnostics.ToList();
        _stats.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        return new ParseOutcome<NsxFirewallStats>(_stats, diagnostics, lines, _usableLines);
    }

    private void ReadLine(string line, long number)
    {
        var colon = line.IndexOf(':');
        if (colon < 0)
        {
            if (NsxFilterName.TryParse(line, out _, out _, out _))
            {
                StartFilter(line);
                _usableLines++;
            }
            else
            {
                _diagnostics.Warning(number, null, $"not a 'key : value' line nor a filter name: '{Shorten(line)}'");
            }

            return;
        }

        var key = NsxReasonName.Normalize(line.AsSpan(0, colon));
        var value = line[(colon + 1)..].Trim();
        if (key.Length == 0)
        {
            _diagnostics.Warning(number, null, $"line starts with ':': '{Shorten(line)}'");
            return;
        }

        if (key is "name" or "filter-name" or "filter")
        {
            StartFilter(value);
            _usableLines++;
            return;
        }

        var filter = CurrentFilter(number);
        if (key == "mac")
        {
            filter.Mac = value;
        }
        else if (s_headerKeys.Contains(key))
        {
            filter.Header[key] = value;
        }
        else if (ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            if (filter.Counters.ContainsKey(key))
            {
                _diagnostics.Warning(number, key, $"counter {key} given twice for {Describe(filter)}; keeping the last value");
            }

            filter.Counters[key] = count;
        }
        else
        {
            filter.Header[key] = value;
            _diagnostics.Warning(number, key, $"'{Shorten(value)}' is not a counter (unsigned 64-bit); kept as printed in the header");
            return;
        }

        _usableLines++;
    }

    private void StartFilter(string name)
    {
        if (!_filters.TryGetValue(name, out _filter))
        {
            _filter = NsxFilterName.NewFilter(name);
            _filters.Add(name, _filter);
            _stats.Filters.Add(_filter);
        }
    }

    private NsxFilter CurrentFilter(long number)
    {
        if (_filter is null)
        {
            if (_defaultName is null)
            {
                _diagnostics.Warning(number, "filter", "counters before any filter name; the filter is left unnamed");
            }

            StartFilter(_defaultName ?? "");
        }

        return _filter!;
    }

    private static string Describe(NsxFilter filter) => filter.Name.Length == 0 ? "the unnamed filter" : filter.Name;

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
