using System.Text;

namespace Dashboard.Core.Nsx;

/// <summary>Drop reasons and counter names as the dashboard keys them: lower-case kebab ("State-mismatch", "state mismatch" → "state-mismatch").</summary>
public static class NsxReasonName
{
    public const string StateMismatch = "state-mismatch";

    public static string Normalize(ReadOnlySpan<char> name)
    {
        var builder = new StringBuilder(name.Length);
        var dash = false;
        foreach (var c in name.Trim())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (dash && builder.Length > 0)
                {
                    builder.Append('-');
                }

                builder.Append(char.ToLowerInvariant(c));
                dash = false;
            }
            else if (c is ' ' or '_' or '-' or '\t' or '/' or '.')
            {
                dash = true;
            }
            else
            {
                builder.Append(c);
                dash = false;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reason of an API `*_drops` / `*_dropped` counter: firewall_state_check_packet_drops is the API's name for
    /// state-mismatch; otherwise the `firewall_` prefix and `_packet_drops` / `_drops` suffix are dropped.
    /// </summary>
    public static string FromApiField(string field)
    {
        if (field == "firewall_state_check_packet_drops")
        {
            return StateMismatch;
        }

        var name = field.AsSpan();
        if (name.StartsWith("firewall_", StringComparison.Ordinal))
        {
            name = name["firewall_".Length..];
        }

        foreach (var suffix in (ReadOnlySpan<string>)["_packet_drops", "_drops"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        return Normalize(name);
    }
}
