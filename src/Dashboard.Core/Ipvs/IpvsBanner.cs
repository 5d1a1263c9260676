using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>"IP Virtual Server version %d.%d.%d (size=%d)", printed by ipvsadm -L and /proc/net/ip_vs alike.</summary>
internal static class IpvsBanner
{
    public static bool IsBanner(ReadOnlySpan<byte> line) => Tokens.TrimBlanks(line).StartsWith("IP Virtual Server version "u8);

    /// <summary>False when the banner is damaged; the table keeps what could be read.</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, IpvsServiceTable table)
    {
        var rest = Tokens.TrimBlanks(line)["IP Virtual Server version "u8.Length..];
        if (!Tokens.Next(ref rest, out var version) || !IsVersion(version))
        {
            return false;
        }

        table.Version = Encoding.ASCII.GetString(version);
        if (!Tokens.Next(ref rest, out var size) || !size.StartsWith("(size="u8) || size[^1] != (byte)')'
            || !Tokens.TryDecimal(size["(size="u8.Length..^1], out var entries) || entries > long.MaxValue)
        {
            return false;
        }

        table.ConnectionTableSize = (long)entries;
        return true;
    }

    private static bool IsVersion(ReadOnlySpan<byte> text) =>
        text.IndexOfAnyExcept("0123456789."u8) < 0 && text.Count((byte)'.') == 2 && text[0] != (byte)'.' && text[^1] != (byte)'.';
}
