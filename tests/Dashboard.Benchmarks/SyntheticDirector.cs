namespace Dashboard.Benchmarks;

/// <summary>
/// A busy LVS-DR director's connection table, one row at a time: 50 virtual services × 20 real servers, mostly
/// ESTABLISHED and FIN_WAIT (a DR director only sees client→server packets), some SYN_RECV, TIME_WAIT and CLOSE,
/// about 2% persistence templates, clients from many networks. Expiry stays within each state's kernel timeout.
/// </summary>
public sealed class SyntheticDirector
{
    public const int Virtuals = 50;
    public const int RealServersPerVirtual = 20;

    // (state, weight in per mille, kernel timeout in seconds): formats.md §1.7.
    private static readonly (string State, int Weight, int Timeout)[] s_tcpStates =
    [
        ("ESTABLISHED", 520, 900), ("FIN_WAIT", 330, 120), ("SYN_RECV", 40, 60), ("TIME_WAIT", 40, 120),
        ("CLOSE", 30, 10), ("CLOSE_WAIT", 15, 60), ("LAST_ACK", 10, 30), ("SYN_SENT", 10, 120), ("NONE", 5, 2),
    ];

    private static readonly ushort[] s_ports = [80, 443, 10051, 8080, 3306];

    private readonly Random _random;

    public SyntheticDirector(int seed)
    {
        _random = new Random(seed);
    }

    public ConnectionRow Next()
    {
        var vip = _random.Next(Virtuals);
        var udp = vip % 10 == 9;
        var port = udp ? (ushort)53 : s_ports[vip % s_ports.Length];
        var realServer = _random.Next(RealServersPerVirtual);
        var row = new ConnectionRow
        {
            Protocol = udp ? "UDP" : "TCP",
            VirtualAddress = Address(10, 1, 26, 200 + vip),
            VirtualPort = port,
            DestinationAddress = Address(10, 1, 27 + (vip / 10), ((vip % 10) * RealServersPerVirtual) + realServer + 1),
            DestinationPort = port,
            ClientAddress = NextClient(),
            ClientPort = (ushort)_random.Next(32768, 61000),
        };

        if (_random.Next(1000) < 20)
        {
            row.State = "NONE";
            row.ClientPort = 0;
            row.Expires = _random.Next(0, 361);
        }
        else if (udp)
        {
            row.State = "UDP";
            row.Expires = _random.Next(0, 301);
        }
        else
        {
            var pick = _random.Next(1000);
            foreach (var (state, weight, timeout) in s_tcpStates)
            {
                if ((pick -= weight) < 0)
                {
                    row.State = state;
                    row.Expires = _random.Next(0, timeout + 1);
                    break;
                }
            }
        }

        return row;
    }

    private uint NextClient() => _random.Next(10) switch
    {
        < 5 => Address(10, _random.Next(256), _random.Next(256), _random.Next(1, 255)),
        < 7 => Address(172, 16 + _random.Next(16), _random.Next(256), _random.Next(1, 255)),
        < 9 => Address(_random.Next(1, 224), _random.Next(256), _random.Next(256), _random.Next(1, 255)),
        _ => Address(192, 168, _random.Next(256), _random.Next(1, 255)),
    };

    private static uint Address(int a, int b, int c, int d) => ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | (uint)d;

    public static string Dotted(uint address) => $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}";

    public sealed class ConnectionRow
    {
        public string Protocol { get; set; } = "TCP";
        public uint ClientAddress { get; set; }
        public ushort ClientPort { get; set; }
        public uint VirtualAddress { get; set; }
        public ushort VirtualPort { get; set; }
        public uint DestinationAddress { get; set; }
        public ushort DestinationPort { get; set; }
        public string State { get; set; } = "ESTABLISHED";
        public int Expires { get; set; }
    }
}
