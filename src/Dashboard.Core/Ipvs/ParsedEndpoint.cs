namespace Dashboard.Core.Ipvs;

internal enum EndpointKind : byte
{
    Ipv4,
    Ipv6,

    /// <summary>Host or port printed as a name (ipvsadm without -n); only the text identifies it.</summary>
    Name,
}

/// <summary>An address:port read from a line; IPv4 sits in the low 32 bits of <see cref="Address"/>.</summary>
internal readonly struct ParsedEndpoint
{
    public ParsedEndpoint(EndpointKind kind, UInt128 address, ushort port, bool portIsZero)
    {
        Kind = kind;
        Address = address;
        Port = port;
        PortIsZero = portIsZero;
    }

    public EndpointKind Kind { get; }
    public UInt128 Address { get; }
    public ushort Port { get; }

    /// <summary>Port 0: the client side of a persistence template. Also known for names, whose port text is "0".</summary>
    public bool PortIsZero { get; }

    public static ParsedEndpoint Ipv4(uint address, ushort port) => new(EndpointKind.Ipv4, address, port, port == 0);

    public static ParsedEndpoint Ipv6(UInt128 address, ushort port) => new(EndpointKind.Ipv6, address, port, port == 0);
}
