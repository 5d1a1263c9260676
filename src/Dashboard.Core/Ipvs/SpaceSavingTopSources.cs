using System.Text;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// The busiest clients of one virtual service in fixed memory (Space-Saving, Metwally et al. 2005): a SYN flood from
/// millions of distinct sources cannot grow it, yet any source above 1/capacity of the rows is never lost.
/// </summary>
internal sealed class SpaceSavingTopSources
{
    private readonly ClientAddress[] _keys;
    private readonly long[] _counts;
    private readonly long[] _overcounts;
    private readonly string?[] _names;
    private readonly int[] _heap;
    private readonly int[] _heapIndexOfSlot;
    private readonly ClientSlotIndex _slots;
    private int _used;

    public SpaceSavingTopSources(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _keys = new ClientAddress[capacity];
        _counts = new long[capacity];
        _overcounts = new long[capacity];
        _names = new string?[capacity];
        _heap = new int[capacity];
        _heapIndexOfSlot = new int[capacity];
        _slots = new ClientSlotIndex(capacity);
    }

    public int Capacity => _keys.Length;

    /// <summary>Rows offered, including those of sources no longer tracked.</summary>
    public long Total { get; private set; }

    public void Offer(ClientAddress key, ReadOnlySpan<byte> nameText)
    {
        Total++;
        var slot = _slots.Find(key);
        if (slot >= 0)
        {
            _counts[slot]++;
            SiftDown(_heapIndexOfSlot[slot]);
            return;
        }

        if (_used < _keys.Length)
        {
            slot = _used++;
            _overcounts[slot] = 0;
            _counts[slot] = 1;
            _heap[slot] = slot;
            _heapIndexOfSlot[slot] = slot;
            SiftUp(slot);
        }
        else
        {
            // Evict the least counted source; the newcomer inherits its count as an upper bound on its own.
            slot = _heap[0];
            _slots.Remove(_keys[slot]);
            _overcounts[slot] = _counts[slot];
            _counts[slot]++;
            SiftDown(0);
        }

        _keys[slot] = key;
        _names[slot] = key.Kind == EndpointKind.Name ? Encoding.UTF8.GetString(nameText) : null;
        _slots.Add(key, slot);
    }

    /// <summary>The most counted sources first; Count may exceed the truth by at most Overcount.</summary>
    public IEnumerable<(string Client, long Count, long Overcount)> Top(int n) =>
        Enumerable.Range(0, _used)
            .Select(slot => (Client: _names[slot] ?? EndpointText.FormatAddress(_keys[slot].Kind, _keys[slot].Address), Count: _counts[slot], Overcount: _overcounts[slot]))
            .OrderByDescending(e => e.Count)
            .ThenBy(e => e.Client, StringComparer.Ordinal)
            .Take(n);

    private void SiftUp(int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (_counts[_heap[parent]] <= _counts[_heap[index]])
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    /// <summary>
    /// Moves a grown count down: children move up into the hole and the slot is written once where it stops, the
    /// same places the swap-by-swap version gives (it prefers the right child only when strictly smaller).
    /// </summary>
    private void SiftDown(int index)
    {
        var moving = _heap[index];
        var count = _counts[moving];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= _used)
            {
                break;
            }

            var childCount = _counts[_heap[child]];
            if (child + 1 < _used && _counts[_heap[child + 1]] < childCount)
            {
                child++;
                childCount = _counts[_heap[child]];
            }

            if (childCount >= count)
            {
                break;
            }

            _heap[index] = _heap[child];
            _heapIndexOfSlot[_heap[index]] = index;
            index = child;
        }

        _heap[index] = moving;
        _heapIndexOfSlot[moving] = index;
    }

    private void Swap(int a, int b)
    {
        (_heap[a], _heap[b]) = (_heap[b], _heap[a]);
        _heapIndexOfSlot[_heap[a]] = a;
        _heapIndexOfSlot[_heap[b]] = b;
    }
}
