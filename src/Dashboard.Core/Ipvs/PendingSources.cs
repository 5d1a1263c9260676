namespace Dashboard.Core.Ipvs;

/// <summary>
/// The SYN_RECV sources a speculative aggregator keeps in line order until its chunk is merged: an IPv4 client and its
/// pair index packed into 8 bytes (instead of a 48-byte tuple per row), the rare other clients kept aside.
/// </summary>
internal sealed class PendingSources
{
    private const ulong Aside = 1UL << 63;

    private readonly List<ulong> _entries = [];
    private readonly List<ClientAddress> _aside = [];

    public int Count => _entries.Count;

    public void Add(int pair, ClientAddress client)
    {
        if (client.Kind == EndpointKind.Ipv4 && client.Address <= uint.MaxValue)
        {
            _entries.Add(((ulong)(uint)pair << 32) | (uint)client.Address);
            return;
        }

        _entries.Add(Aside | ((ulong)(uint)pair << 32) | (uint)_aside.Count);
        _aside.Add(client);
    }

    public (int Pair, ClientAddress Client) this[int index]
    {
        get
        {
            var entry = _entries[index];
            var pair = (int)((entry & ~Aside) >> 32);
            return (entry & Aside) == 0
                ? (pair, new ClientAddress(EndpointKind.Ipv4, (uint)entry))
                : (pair, _aside[(int)(uint)entry]);
        }
    }

    public void Clear()
    {
        _entries.Clear();
        _aside.Clear();
    }
}
