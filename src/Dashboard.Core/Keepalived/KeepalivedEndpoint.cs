using System.Globalization;
using System.Net;

namespace Dashboard.Core.Keepalived;

/// <summary>Addresses as the dashboard writes them everywhere: a.b.c.d:port or [v6]:port, IPv6 compressed.</summary>
internal static class KeepalivedEndpoint
{
    public static bool TryFormat(string address, string port, out string endpoint)
    {
        endpoint = "";
        if (!IPAddress.TryParse(address, out var ip) || !ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        endpoint = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]:{number}" : $"{ip}:{number}";
        return true;
    }

    /// <summary>Reads keepalived's notify form [address]:proto:port.</summary>
    public static bool TryParseNotify(string text, out string endpoint, out string protocol)
    {
        endpoint = protocol = "";
        if (text.Length < 2 || text[0] != '[')
        {
            return false;
        }

        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
        {
            return false;
        }

        var rest = text[(close + 2)..].Split(':');
        if (rest.Length != 2 || rest[0].Length == 0)
        {
            return false;
        }

        protocol = rest[0].ToUpperInvariant();
        return TryFormat(text[1..close], rest[1], out endpoint);
    }
}
