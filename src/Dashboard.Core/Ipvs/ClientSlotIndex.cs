using System.Numerics;
using System.Runtime.CompilerServices;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Which slot of a <see cref="SpaceSavingTopSources"/> holds a client: linear probing over a table at most half full,
/// removal by shifting the following entries back (no tombstones), so a sketch that evicts on every row of a SYN flood
/// never degrades. Written here: no framework map has a fixed capacity with removal by back-shifting.
/// </summary>
internal sealed class ClientSlotIndex
{
    private readonly ClientAddress[] _keys;
    private readonly int[] _slots;
    private readonly int _mask;

    public ClientSlotIndex(int capacity)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity * 2));
        _keys = new ClientAddress[size];
        _slots = new int[size];
        _mask = size - 1;
    }

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ClientAddress key)
    {
        for (var i = Home(key); ; i = (i + 1) & _mask)
        {
            var stored = _slots[i];
            if (stored == 0 || _keys[i] == key)
            {
                return stored - 1;
            }
        }
    }

    /// <summary>Adds a key known to be absent; the caller never holds more keys than the capacity.</summary>
    public void Add(ClientAddress key, int slot)
    {
        var i = Home(key);
        while (_slots[i] != 0)
        {
            i = (i + 1) & _mask;
        }

        _keys[i] = key;
        _slots[i] = slot + 1;
    }

    /// <summary>Removes a key known to be present.</summary>
    public void Remove(ClientAddress key)
    {
        var hole = Home(key);
        while (_keys[hole] != key || _slots[hole] == 0)
        {
            hole = (hole + 1) & _mask;
        }

        // Move back every later entry of the run whose home is not between the hole and its position.
        for (var i = (hole + 1) & _mask; _slots[i] != 0; i = (i + 1) & _mask)
        {
            var home = Home(_keys[i]);
            var stays = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!stays)
            {
                _keys[hole] = _keys[i];
                _slots[hole] = _slots[i];
                hole = i;
            }
        }

        _slots[hole] = 0;
        _keys[hole] = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ClientAddress key) => key.GetHashCode() & _mask;
}
