namespace Dashboard.Core.Ipvs;

/// <summary>A client's address without its port; a name (ipvsadm without -n) is identified by a 64-bit hash of its text.</summary>
internal readonly record struct ClientAddress(EndpointKind Kind, UInt128 Address)
{
    public bool Equals(ClientAddress other) => Address == other.Address && Kind == other.Kind;

    // One multiply instead of the generated per-field comparer calls: this runs for every SYN_RECV row.
    public override int GetHashCode()
    {
        var h = (((ulong)Address ^ (ulong)Kind) * 0x9E3779B97F4A7C15UL) ^ ((ulong)(Address >> 64) * 0xC2B2AE3D27D4EB4FUL);
        return (int)(h ^ (h >> 32));
    }

    public static ClientAddress From(in ParsedEndpoint endpoint, ReadOnlySpan<byte> printed) =>
        endpoint.Kind == EndpointKind.Name
            ? new ClientAddress(EndpointKind.Name, HashName(EndpointText.HostOf(printed)))
            : new ClientAddress(endpoint.Kind, endpoint.Address);

    private static UInt128 HashName(ReadOnlySpan<byte> host)
    {
        var low = new HashCode();
        low.AddBytes(host);
        var high = new HashCode();
        high.Add(host.Length);
        high.AddBytes(host);
        return new UInt128((uint)high.ToHashCode(), (uint)low.ToHashCode());
    }
}
