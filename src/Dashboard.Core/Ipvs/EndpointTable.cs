namespace Dashboard.Core.Ipvs;

/// <summary>
/// 64-bit codes for endpoints, so that aggregation keys stay small: IPv4 address and port are packed into the code
/// itself; the rare IPv6 and name endpoints get an id in a side table. Text is built once per code, at the end.
/// </summary>
internal sealed class EndpointTable
{
    private const ulong InternedBit = 1UL << 63;

    private readonly int _maxInterned;
    private readonly Dictionary<(UInt128 Address, ushort Port), int> _ipv6 = [];
    private readonly Utf8NameTable _names = new(0);
    private readonly List<int> _idOfName = [];
    private readonly List<(EndpointKind Kind, UInt128 Address, ushort Port, int NameId)> _interned = [];
    private readonly Dictionary<ulong, string> _text = [];

    public EndpointTable(int maxInterned)
    {
        _maxInterned = maxInterned;
    }

    /// <summary>False only when the side table is full (hostile input with too many distinct IPv6 or name endpoints).</summary>
    public bool TryGetCode(in ParsedEndpoint endpoint, ReadOnlySpan<byte> printed, out ulong code)
    {
        if (endpoint.Kind == EndpointKind.Ipv4)
        {
            code = ((ulong)(uint)endpoint.Address << 16) | endpoint.Port;
            return true;
        }

        int id;
        if (endpoint.Kind == EndpointKind.Ipv6)
        {
            if (!_ipv6.TryGetValue((endpoint.Address, endpoint.Port), out id))
            {
                if (_interned.Count >= _maxInterned)
                {
                    code = 0;
                    return false;
                }

                id = _interned.Count;
                _ipv6.Add((endpoint.Address, endpoint.Port), id);
                _interned.Add((EndpointKind.Ipv6, endpoint.Address, endpoint.Port, -1));
            }
        }
        else if (_names.TryFind(printed, out var nameId))
        {
            id = _idOfName[nameId];
        }
        else
        {
            if (_interned.Count >= _maxInterned)
            {
                code = 0;
                return false;
            }

            id = _interned.Count;
            _interned.Add((EndpointKind.Name, 0, endpoint.Port, _names.Add(printed)));
            _idOfName.Add(id);
        }

        code = InternedBit | (uint)id;
        return true;
    }

    public string TextOf(ulong code)
    {
        if (_text.TryGetValue(code, out var text))
        {
            return text;
        }

        if ((code & InternedBit) == 0)
        {
            text = $"{IpAddressText.FormatIpv4((uint)(code >> 16))}:{(ushort)code}";
        }
        else
        {
            var entry = _interned[(int)(uint)code];
            text = entry.Kind == EndpointKind.Ipv6
                ? $"[{IpAddressText.FormatIpv6(entry.Address)}]:{entry.Port}"
                : _names.NameOf(entry.NameId);
        }

        _text.Add(code, text);
        return text;
    }
}
