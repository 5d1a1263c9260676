namespace Dashboard.Core.Iptables;

/// <summary>
/// iptables-nft starts its output with "# Warning: iptables-legacy tables present, use iptables-legacy[-save] to see them"
/// when the host also has legacy tables: rules the dump leaves out, and possibly the ones dropping the packets.
/// </summary>
internal static class LegacyTablesNotice
{
    public const string Field = "variant";

    public static bool IsNotice(ReadOnlySpan<byte> line) => line.IndexOf("iptables-legacy tables present"u8) >= 0;

    /// <param name="command">What reads the legacy tables the same way, e.g. "iptables-legacy-save -c".</param>
    public static string Reason(string command) =>
        $"iptables-legacy tables are present as well and this nf_tables output leaves them out: read them with {command} too";
}
