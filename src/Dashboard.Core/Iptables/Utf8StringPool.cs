using System.Text;

namespace Dashboard.Core.Iptables;

/// <summary>
/// Turns UTF-8 spans into strings, handing back the same instance for repeated values (chain names, targets,
/// Neutron's fixed comments) without decoding them again. Bounded: past its limits it just allocates.
/// </summary>
internal sealed class Utf8StringPool
{
    private readonly int _maxEntries;
    private readonly int _maxLength;
    private Entry[] _entries = new Entry[1024];
    private int _count;

    public Utf8StringPool(int maxEntries = 8192, int maxLength = 512)
    {
        _maxEntries = maxEntries;
        _maxLength = maxLength;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        // Entries are compared as ASCII, which iptables output almost always is; anything else is not pooled.
        if (utf8.Length > _maxLength || !Ascii.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = (int)System.IO.Hashing.XxHash64.HashToUInt64(utf8);
        var mask = _entries.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            ref var entry = ref _entries[i];
            if (entry.Text is null)
            {
                var text = Encoding.UTF8.GetString(utf8);
                if (_count < _maxEntries)
                {
                    entry = new Entry(hash, text);
                    if (++_count * 2 > _entries.Length)
                    {
                        Grow();
                    }
                }

                return text;
            }

            if (entry.Hash == hash && Ascii.Equals(utf8, entry.Text))
            {
                return entry.Text;
            }
        }
    }

    private void Grow()
    {
        var old = _entries;
        _entries = new Entry[old.Length * 2];
        var mask = _entries.Length - 1;
        foreach (var entry in old)
        {
            if (entry.Text is null)
            {
                continue;
            }

            var i = entry.Hash & mask;
            while (_entries[i].Text is not null)
            {
                i = (i + 1) & mask;
            }

            _entries[i] = entry;
        }
    }

    private readonly record struct Entry(int Hash, string? Text);
}
