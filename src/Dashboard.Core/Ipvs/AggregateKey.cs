namespace Dashboard.Core.Ipvs;

/// <summary>(protocol, virtual, destination, state) as 20 bytes of integers: what one connection line is counted under.</summary>
internal readonly struct AggregateKey : IEquatable<AggregateKey>
{
    public AggregateKey(int protocol, ulong virtualCode, ulong destinationCode, int state)
    {
        VirtualCode = virtualCode;
        DestinationCode = destinationCode;
        ProtocolAndState = ((uint)protocol << 16) | (uint)state;
    }

    public ulong VirtualCode { get; }
    public ulong DestinationCode { get; }
    private uint ProtocolAndState { get; }

    public int Protocol => (int)(ProtocolAndState >> 16);
    public int State => (int)(ProtocolAndState & 0xFFFF);

    public bool Equals(AggregateKey other) =>
        VirtualCode == other.VirtualCode && DestinationCode == other.DestinationCode && ProtocolAndState == other.ProtocolAndState;

    public override bool Equals(object? obj) => obj is AggregateKey other && Equals(other);

    // Multiply-xorshift mixing: cheaper than HashCode.Combine and good enough for packed addresses.
    public override int GetHashCode()
    {
        var h = (VirtualCode * 0x9E3779B97F4A7C15UL) ^ (DestinationCode * 0xC2B2AE3D27D4EB4FUL) ^ (ProtocolAndState * 0x165667B19E3779F9UL);
        h ^= h >> 29;
        return (int)h ^ (int)(h >> 32);
    }
}
