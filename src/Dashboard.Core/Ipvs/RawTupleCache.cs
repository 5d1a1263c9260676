using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Remembers, for the exact bytes of a "virtual destination" pair already checked once, which pair index it counts
/// under, so repeated rows skip address parsing. Open addressing over 64-byte slots that hold short keys inline:
/// a hit reads one cache line. Longer keys live in an arena. Stops growing at its capacity.
/// </summary>
internal sealed class RawTupleCache
{
    private const int InlineKeyBytes = 44;

    private readonly int _maxEntries;
    private Slot[] _slots = new Slot[1024];
    private byte[] _arena = [];
    private int _arenaUsed;
    private int _count;

    public RawTupleCache(int maxEntries)
    {
        _maxEntries = maxEntries;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(uint salt, ReadOnlySpan<byte> key, out int value)
    {
        var hash = ShortBytes.Hash(salt, key);
        var mask = _slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Length == 0)
            {
                value = -1;
                return false;
            }

            if (slot.Hash == hash && slot.Salt == salt && ShortBytes.Equal(key, KeyOf(ref slot)))
            {
                value = slot.Value;
                return true;
            }
        }
    }

    /// <summary>Forgets every pair and keeps the memory.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _arenaUsed = 0;
        _count = 0;
    }

    /// <summary>Adds a checked pair unless it is known already; does nothing once the cache is full.</summary>
    public void Add(uint salt, ReadOnlySpan<byte> key, int value)
    {
        if (_count >= _maxEntries || key.IsEmpty || TryGet(salt, key, out _))
        {
            return;
        }

        // At most half full: a miss probes the next slot, the adjacent cache line, and the table is half the memory of a quarter-full one.
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        var slot = new Slot { Hash = ShortBytes.Hash(salt, key), Salt = salt, Value = value, Length = key.Length };
        if (key.Length <= InlineKeyBytes)
        {
            key.CopyTo(slot.Key);
        }
        else
        {
            if (_arenaUsed + key.Length > _arena.Length)
            {
                Array.Resize(ref _arena, Math.Max(4096, Math.Max(_arena.Length * 2, _arenaUsed + key.Length)));
            }

            key.CopyTo(_arena.AsSpan(_arenaUsed));
            slot.Offset = _arenaUsed;
            _arenaUsed += key.Length;
        }

        Place(_slots, slot);
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> KeyOf(ref Slot slot) => slot.Length <= InlineKeyBytes
        ? MemoryMarshal.CreateReadOnlySpan(ref slot.Key[0], slot.Length)
        : _arena.AsSpan(slot.Offset, slot.Length);

    private void Grow()
    {
        var larger = new Slot[_slots.Length * 2];
        foreach (var slot in _slots)
        {
            if (slot.Length != 0)
            {
                Place(larger, slot);
            }
        }

        _slots = larger;
    }

    private static void Place(Slot[] slots, in Slot slot)
    {
        var mask = slots.Length - 1;
        var i = (int)slot.Hash & mask;
        while (slots[i].Length != 0)
        {
            i = (i + 1) & mask;
        }

        slots[i] = slot;
    }

    /// <summary>One cache line: the key's hash, salt, value, length, and the key itself when it fits.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public uint Hash;
        public uint Salt;
        public int Value;
        public int Length;
        public int Offset;
        public InlineKey Key;
    }

    [InlineArray(InlineKeyBytes)]
    private struct InlineKey
    {
        private byte _first;
    }
}
