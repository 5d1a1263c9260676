namespace Dashboard.Core.Iptables;

/// <summary>
/// iptables-nft starts its output with "# Warning: iptables-legacy tables present, use iptables-legacy[-save] to see them"
/// when the host also has legacy tables: rules the dump leaves out, and possibly the ones dropping the packets.
/// </summary>
internal static class LegacyTablesNotice
{
    /// <summary>When the line is the notice: marks the dump nf_tables and warns once; false for any other line.</summary>
    /// <param name="command">What reads the legacy tables the same way, e.g. "iptables-legacy-save -c".</param>
    public static bool TryNote(ReadOnlySpan<byte> line, long number, IptablesDump dump, Parsing.CappedDiagnostics diagnostics, string command)
    {
        if (line.IndexOf("iptables-legacy tables present"u8) < 0)
        {
            return false;
        }

        dump.Variant ??= "nf_tables";
        diagnostics.Warning(number, "variant", $"iptables-legacy tables are present as well and this nf_tables output leaves them out: read them with {command} too");
        return true;
    }
}
