using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>The kernel's ip_vs_fwd_name(): Masq, Local, Tunnel, Route; anything else is kept and flagged.</summary>
internal static class ForwardMethods
{
    public static string Read(ReadOnlySpan<byte> token, long line, string field, CappedDiagnostics diagnostics)
    {
        if (token.SequenceEqual("Route"u8))
        {
            return "Route";
        }

        if (token.SequenceEqual("Masq"u8))
        {
            return "Masq";
        }

        if (token.SequenceEqual("Tunnel"u8))
        {
            return "Tunnel";
        }

        if (token.SequenceEqual("Local"u8))
        {
            return "Local";
        }

        diagnostics.Report(line, field, "unknown forwarding method, kept verbatim", token, DiagnosticSeverity.Warning);
        return System.Text.Encoding.UTF8.GetString(token);
    }

    public static bool IsKnown(ReadOnlySpan<byte> token) =>
        token.SequenceEqual("Route"u8) || token.SequenceEqual("Masq"u8) || token.SequenceEqual("Tunnel"u8) || token.SequenceEqual("Local"u8);
}
