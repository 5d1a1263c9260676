using System.Runtime.CompilerServices;

namespace Dashboard.Server.Live;

/// <summary>Fixed-capacity history: the newest items, oldest overwritten. Not thread-safe; owners lock.</summary>
public sealed class RingBuffer<T>(int capacity)
{
    // Rings live as long as the server: items without references go straight to the pinned heap, which young collections never copy.
    private readonly T[] _items = RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? new T[capacity] : GC.AllocateArray<T>(capacity, pinned: true);
    private int _next;

    public int Count { get; private set; }

    public void Add(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        Count = Math.Min(Count + 1, _items.Length);
    }

    public T[] ToArray()
    {
        var result = new T[Count];
        var start = (_next - Count + _items.Length) % _items.Length;
        for (var i = 0; i < Count; i++)
        {
            result[i] = _items[(start + i) % _items.Length];
        }

        return result;
    }
}
