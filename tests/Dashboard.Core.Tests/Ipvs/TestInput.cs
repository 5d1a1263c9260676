using System.Text;

namespace Dashboard.Core.Tests.Ipvs;

/// <summary>Inputs for parser tests: the verbatim fixture files, or text held in the test itself.</summary>
internal static class TestInput
{
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static Stream Fixture(string name) => File.OpenRead(FixturePath(name));

    public static byte[] FixtureBytes(string name) => File.ReadAllBytes(FixturePath(name));

    public static Stream Text(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    public static Stream Bytes(byte[] bytes) => new MemoryStream(bytes, writable: false);

    /// <summary>ipvsadm print_conn(): "%-3s %-6s %-11s %-18s %-18s %s\n".</summary>
    public static string IpvsadmConnRow(string protocol, string expire, string state, string source, string @virtual, string destination) =>
        $"{protocol,-3} {expire,-6} {state,-11} {source,-18} {@virtual,-18} {destination}\n";

    /// <summary>ipvsadm list_conn() titles.</summary>
    public const string IpvsadmConnTitle = "IPVS connection entries\npro expire state       source             virtual            destination\n";

    /// <summary>ip_vs_conn_seq_show(), IPv4: "%-3s %08X %04X %08X %04X %s %04X %-11s %7u%s\n".</summary>
    public static string ProcConnRow(string protocol, uint client, ushort clientPort, uint @virtual, ushort virtualPort, uint destination, ushort destinationPort, string state, uint expires, string peData = "") =>
        $"{protocol,-3} {client:X8} {clientPort:X4} {@virtual:X8} {virtualPort:X4} {destination:X8} {destinationPort:X4} {state,-11} {expires,7}{peData}\n";

    public const string ProcConnTitle = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";

    public const string ProcConnSyncTitle = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n";

    public static uint Ipv4(string dotted) =>
        dotted.Split('.').Select(uint.Parse).Aggregate(0u, (address, octet) => (address << 8) | octet);
}
