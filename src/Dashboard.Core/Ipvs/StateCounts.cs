using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Connections by state name, in ordinal order of the names. A real server has a handful of states, and the server keeps
/// one of these per real server of every director in its live state: one short array is a fraction of a sorted tree's
/// memory, and the converter shares the known state names instead of allocating them per row.
/// </summary>
[JsonConverter(typeof(StateCountsJsonConverter))]
public sealed class StateCounts : IReadOnlyDictionary<string, long>
{
    private KeyValuePair<string, long>[] _entries;
    private int _offset;
    private int _count;

    /// <summary>The entries are a slice of an array other counts read too: the first change copies them out.</summary>
    private bool _shared;

    public StateCounts()
    {
        _entries = [];
    }

    /// <param name="sorted">Distinct names in ordinal order; the array is taken over, not copied.</param>
    private StateCounts(KeyValuePair<string, long>[] sorted)
    {
        _entries = sorted;
        _count = sorted.Length;
    }

    /// <summary>
    /// Counts that read <paramref name="count"/> entries of <paramref name="sorted"/> from <paramref name="offset"/> without
    /// copying them: the live state keeps the counts of all real servers of a VIP in one array, and each real server's
    /// counts are a view of its part. A change makes the view its own copy first, so the array is never written through it.
    /// </summary>
    public static StateCounts Slice(KeyValuePair<string, long>[] sorted, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, sorted.Length - count);
        return new StateCounts(sorted) { _offset = offset, _count = count, _shared = true };
    }

    public int Count => _count;

    public long this[string key]
    {
        get => TryGetValue(key, out var count) ? count : throw new KeyNotFoundException($"no count for state '{key}'");
        set => Set(key, value, add: false);
    }

    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                yield return _entries[_offset + i].Key;
            }
        }
    }

    public IEnumerable<long> Values
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                yield return _entries[_offset + i].Value;
            }
        }
    }

    /// <summary>The counts in name order, without an enumerator object.</summary>
    public ReadOnlySpan<KeyValuePair<string, long>> Entries => _entries.AsSpan(_offset, _count);

    /// <summary>Adds <paramref name="by"/> to the state's count, starting from 0 for a state not seen yet.</summary>
    public void Increase(string state, long by) => Set(state, by, add: true);

    public long Total()
    {
        long total = 0;
        foreach (var (_, count) in Entries)
        {
            total += count;
        }

        return total;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out long value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _entries[_offset + index].Value : 0;
        return index >= 0;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, long>> IEnumerable<KeyValuePair<string, long>>.GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _entries[_offset + i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, long>>)this).GetEnumerator();

    /// <summary>
    /// Counts given in any order, a name given twice keeping its last count (as a dictionary's indexer would): sorted once,
    /// so a hostile input with many names costs n log n, not n².
    /// </summary>
    public static StateCounts FromUnordered(ReadOnlySpan<KeyValuePair<string, long>> pairs)
    {
        if (pairs.Length == 0)
        {
            return new StateCounts();
        }

        if (InStrictOrder(pairs))
        {
            // As this type writes them: no sorting, no scratch arrays.
            return new StateCounts(pairs.ToArray());
        }

        var order = new int[pairs.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var names = new string[pairs.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = pairs[i].Key;
        }

        // Sorting positions by (name, position) keeps the order of repeats, so the last of a run is the last given.
        Array.Sort(order, (a, b) => string.CompareOrdinal(names[a], names[b]) is var c and not 0 ? c : a.CompareTo(b));
        var distinct = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i + 1 == order.Length || !string.Equals(names[order[i]], names[order[i + 1]], StringComparison.Ordinal))
            {
                distinct++;
            }
        }

        var sorted = new KeyValuePair<string, long>[distinct];
        var next = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i + 1 == order.Length || !string.Equals(names[order[i]], names[order[i + 1]], StringComparison.Ordinal))
            {
                sorted[next++] = pairs[order[i]];
            }
        }

        return new StateCounts(sorted);
    }

    private static bool InStrictOrder(ReadOnlySpan<KeyValuePair<string, long>> pairs)
    {
        for (var i = 1; i < pairs.Length; i++)
        {
            if (string.CompareOrdinal(pairs[i - 1].Key, pairs[i].Key) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var low = 0;
        var high = _count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = string.CompareOrdinal(_entries[_offset + middle].Key, key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private void Set(string key, long value, bool add)
    {
        if (_shared)
        {
            _entries = Entries.ToArray();
            (_offset, _shared) = (0, false);
        }

        var index = IndexOf(key);
        if (index >= 0)
        {
            _entries[index] = new(key, add ? _entries[index].Value + value : value);
            return;
        }

        index = ~index;
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        Array.Copy(_entries, index, _entries, index + 1, _count - index);
        _entries[index] = new(key, value);
        _count++;
    }

    public struct Enumerator(StateCounts counts)
    {
        private int _index = -1;

        public readonly KeyValuePair<string, long> Current => counts._entries[counts._offset + _index];

        public bool MoveNext() => ++_index < counts._count;
    }
}
