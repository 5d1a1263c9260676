using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// 32 bytes turned into bit masks (bit i for byte i) by vector compares: one 256-bit vector where the CPU runs them,
/// two 128-bit ones otherwise, as NativeAOT's baseline instruction set has no 256-bit vectors. Written here: the
/// framework's vector types are one width each.
/// </summary>
internal readonly struct Bytes32
{
    private readonly Vector256<byte> _all;
    private readonly Vector128<byte> _low;
    private readonly Vector128<byte> _high;

    private Bytes32(Vector256<byte> all, Vector128<byte> low, Vector128<byte> high)
    {
        _all = all;
        _low = low;
        _high = high;
    }

    /// <summary>The caller guarantees 32 readable bytes from <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bytes32 Load(ref byte first) => Vector256.IsHardwareAccelerated
        ? new Bytes32(Vector256.LoadUnsafe(ref first), default, default)
        : new Bytes32(default, Vector128.LoadUnsafe(ref first), Vector128.LoadUnsafe(ref first, 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Equal(byte value) => Vector256.IsHardwareAccelerated
        ? Vector256.Equals(_all, Vector256.Create(value)).ExtractMostSignificantBits()
        : Join(Vector128.Equals(_low, Vector128.Create(value)), Vector128.Equals(_high, Vector128.Create(value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint AtMost(byte value) => Vector256.IsHardwareAccelerated
        ? Vector256.LessThanOrEqual(_all, Vector256.Create(value)).ExtractMostSignificantBits()
        : Join(Vector128.LessThanOrEqual(_low, Vector128.Create(value)), Vector128.LessThanOrEqual(_high, Vector128.Create(value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Above(byte value) => ~AtMost(value);

    /// <summary>Bytes from <paramref name="low"/> to <paramref name="high"/> inclusive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Between(byte low, byte high) => Vector256.IsHardwareAccelerated
        ? Vector256.LessThanOrEqual(_all - Vector256.Create(low), Vector256.Create((byte)(high - low))).ExtractMostSignificantBits()
        : Join(
            Vector128.LessThanOrEqual(_low - Vector128.Create(low), Vector128.Create((byte)(high - low))),
            Vector128.LessThanOrEqual(_high - Vector128.Create(low), Vector128.Create((byte)(high - low))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Join(Vector128<byte> low, Vector128<byte> high) =>
        low.ExtractMostSignificantBits() | (high.ExtractMostSignificantBits() << 16);
}
