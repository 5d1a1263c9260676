using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// The common state names as printed in an 11-column "%-11s" field, looked up with one multiply (a perfect hash of
/// the first eight bytes) and two compares instead of trimming and comparing strings.
/// </summary>
internal static class PaddedStateColumn
{
    public const int Width = 11;

    private const int SlotBits = 5;
    private static readonly ulong s_multiplier;
    private static readonly ulong[] s_heads = new ulong[1 << SlotBits];
    private static readonly uint[] s_tails = new uint[1 << SlotBits];
    private static readonly int[] s_ids = new int[1 << SlotBits];

    static PaddedStateColumn()
    {
        (string Name, int Id)[] names =
        [
            ("ESTABLISHED", KnownConnectionStates.Established), ("FIN_WAIT", KnownConnectionStates.FinWait),
            ("SYN_RECV", KnownConnectionStates.SynRecv), ("SYN_SENT", KnownConnectionStates.SynSent),
            ("TIME_WAIT", KnownConnectionStates.TimeWait), ("CLOSE", KnownConnectionStates.Close),
            ("CLOSE_WAIT", KnownConnectionStates.CloseWait), ("LAST_ACK", KnownConnectionStates.LastAck),
            ("NONE", KnownConnectionStates.None), ("UDP", KnownConnectionStates.Udp), ("ASSURED", KnownConnectionStates.Assured),
            ("LISTEN", KnownConnectionStates.Listen), ("SYNACK", KnownConnectionStates.SynAck),
        ];
        var padded = names.Select(n => (Bytes: Encoding.ASCII.GetBytes(n.Name.PadRight(Width)), n.Id)).ToArray();
        // Search odd multipliers until every name lands in its own slot; the table is fixed, so this ends at once.
        for (var candidate = 0x9E3779B97F4A7C15UL; ; candidate += 2)
        {
            var slots = padded.Select(p => Slot(BinaryPrimitives.ReadUInt64LittleEndian(p.Bytes), candidate)).ToArray();
            if (slots.Distinct().Count() != slots.Length)
            {
                continue;
            }

            s_multiplier = candidate;
            for (var i = 0; i < padded.Length; i++)
            {
                s_heads[slots[i]] = BinaryPrimitives.ReadUInt64LittleEndian(padded[i].Bytes);
                s_tails[slots[i]] = BinaryPrimitives.ReadUInt32LittleEndian(padded[i].Bytes.AsSpan(Width - 4));
                s_ids[slots[i]] = padded[i].Id;
            }

            return;
        }
    }

    /// <summary>The state id of an exactly 11-byte padded column, or -1 when it holds anything else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Find(ReadOnlySpan<byte> column)
    {
        var head = BinaryPrimitives.ReadUInt64LittleEndian(column);
        var tail = BinaryPrimitives.ReadUInt32LittleEndian(column[(Width - 4)..Width]);
        var slot = Slot(head, s_multiplier);
        return s_heads[slot] == head && s_tails[slot] == tail ? s_ids[slot] : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ulong head, ulong multiplier) => (int)((head * multiplier) >> (64 - SlotBits));
}
