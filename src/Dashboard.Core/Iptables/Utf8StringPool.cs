using System.Text;

namespace Dashboard.Core.Iptables;

/// <summary>
/// Turns UTF-8 spans into strings, handing back the same instance for repeated values (chain names, targets,
/// Neutron's fixed comments). Bounded: past its limits it just allocates.
/// </summary>
internal sealed class Utf8StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxEntries;
    private readonly int _maxLength;
    private readonly char[] _chars;

    public Utf8StringPool(int maxEntries = 8192, int maxLength = 512)
    {
        _maxEntries = maxEntries;
        _maxLength = maxLength;
        _chars = new char[maxLength + 1];
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (utf8.Length > _maxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        // UTF-8 never decodes to more chars than it has bytes, invalid bytes included.
        var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
        if (_lookup.TryGetValue(chars, out var known))
        {
            return known;
        }

        var text = new string(chars);
        if (_strings.Count < _maxEntries)
        {
            _strings.Add(text, text);
        }

        return text;
    }
}
