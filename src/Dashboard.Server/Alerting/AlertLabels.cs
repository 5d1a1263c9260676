using System.Globalization;
using System.Text;

namespace Dashboard.Server.Alerting;

/// <summary>Label names, and the two identities built from labels: an alert's fingerprint and its group's key.</summary>
public static class AlertLabels
{
    public const string AlertName = "alertname";
    public const string Severity = "severity";
    public const string Director = "director";
    public const string Vip = "vip";
    public const string RealServer = "real_server";
    public const string Hypervisor = "hypervisor";
    public const string Port = "port";
    public const string Finding = "finding";
    public const string Chain = "chain";
    public const string Rule = "rule";
    public const string Reason = "reason";
    public const string DropKind = "drop_kind";
    public const string Role = "role";

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;
    private const byte Separator = 0xff;

    // Written here: no .NET package computes Prometheus fingerprints.
    /// <summary>Alertmanager's fingerprint: FNV-1a 64 over names and values sorted by name, each followed by 0xff; 16 hex digits.</summary>
    public static string Fingerprint(IReadOnlyDictionary<string, string> labels) =>
        FingerprintValue(labels).ToString("x16", CultureInfo.InvariantCulture);

    public static ulong FingerprintValue(IReadOnlyDictionary<string, string> labels)
    {
        var hash = FnvOffset;
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            hash = Add(hash, name);
            hash = Add(hash, value);
        }

        return hash;
    }

    /// <summary>The group-by labels an alert has (absent ones are left out, as Alertmanager does).</summary>
    public static SortedDictionary<string, string> GroupLabels(IReadOnlyDictionary<string, string> labels, IEnumerable<string> groupBy)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in groupBy)
        {
            if (labels.TryGetValue(name, out var value) && value.Length > 0)
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>Alertmanager's group key for the root route: <c>{}:{director="lvs-a", vip="10.0.0.1:80"}</c>.</summary>
    public static string GroupKey(IReadOnlyDictionary<string, string> groupLabels)
    {
        var text = new StringBuilder("{}:{");
        var first = true;
        foreach (var (name, value) in groupLabels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            text.Append(first ? "" : ", ").Append(name).Append("=\"").Append(Quote(value)).Append('"');
            first = false;
        }

        return text.Append('}').ToString();
    }

    private static string Quote(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static ulong Add(ulong hash, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= FnvPrime;
        }

        hash ^= Separator;
        return hash * FnvPrime;
    }
}
