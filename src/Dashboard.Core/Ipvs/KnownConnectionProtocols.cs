using System.Runtime.CompilerServices;

namespace Dashboard.Core.Ipvs;

/// <summary>Protocol names from the kernel's ip_vs_proto_name(): IP_&lt;n&gt; covers the rest.</summary>
internal static class KnownConnectionProtocols
{
    public const int Tcp = 0;
    public const int Udp = 1;

    /// <summary>IPPROTO_IP: the protocol of firewall-mark services' persistence templates.</summary>
    public const int Ip = 3;

    public static IReadOnlyList<string> Names { get; } = ["TCP", "UDP", "SCTP", "IP", "ICMP", "ICMPv6", "IPIP", "GRE"];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FindCommon(ReadOnlySpan<byte> name) =>
        name.Length == 3 && name[1] == (byte)'C' && name.SequenceEqual("TCP"u8) ? Tcp
        : name.Length == 3 && name.SequenceEqual("UDP"u8) ? Udp
        : -1;

    /// <summary>The kernel's "IP_%u" for protocols it has no name for.</summary>
    public static bool IsNumbered(ReadOnlySpan<byte> name) =>
        name.Length > 3 && name.StartsWith("IP_"u8) && IpAddressText.IsAllDigits(name[3..]);
}
