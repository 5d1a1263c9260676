using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Dashboard.Components.Tests.Infrastructure;

/// <summary>
/// Finds English words left in a page rendered in Chinese: the text and the accessible labels (aria-label, title,
/// placeholder) of every element, minus what is not interface text — commands in code, names from the data
/// (hosts, addresses, chains, ports, rule comments), and the technical vocabulary an operator reads as is.
/// </summary>
public static partial class EnglishText
{
    /// <summary>Terms shown untranslated on purpose: protocol and state names, product names, the language switch's own name.</summary>
    public static readonly HashSet<string> Vocabulary = new(StringComparer.Ordinal)
    {
        "SYN_RECV", "ESTABLISHED", "VIP", "RS", "NSX", "DFW", "vNIC", "VM", "TCP", "UDP", "LVS", "DR", "IP", "MAC", "iptables", "Neutron", "conntrack",
        "keepalived", "INVALID", "DROP", "REJECT", "RETURN", "ACCEPT", "ACK", "Route", "sh", "English", "UTC", "ARP", "VRRP", "lo", "physdev", "agent",
        "TCP", "strict", "rp_filter", "Webhook", "webhook", "slack", "teams", "dingtalk", "feishu", "wecom", "mattermost", "en", "https",
        "KiB", "MiB", "GiB", "OpenFlow",
    };


    public static IReadOnlyList<string> Find(IElement root, IEnumerable<string> data)
    {
        var names = data.OrderByDescending(d => d.Length).ToList();
        var leaks = new List<string>();
        foreach (var element in root.QuerySelectorAll("*").Prepend(root))
        {
            if (element.Closest("code, pre, svg .mud-charts-xaxis, style, script") is not null)
            {
                continue;
            }

            var texts = element.ChildNodes.Where(n => n.NodeType == NodeType.Text).Select(n => n.TextContent)
                .Concat(new[] { "aria-label", "title", "placeholder", "label" }.Select(element.GetAttribute).OfType<string>());
            foreach (var text in texts)
            {
                var rest = names.Aggregate(text, (t, name) => t.Replace(name, " ", StringComparison.Ordinal));
                var words = rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => !Identifier().IsMatch(w))
                    .Select(w => w.Trim('(', ')', ',', '.', ':', ';', '!', '?', '"', '\'', '，', '。', '：', '（', '）', '“', '”'))
                    .Where(w => Word().IsMatch(w) && !Vocabulary.Contains(w))
                    .ToList();
                if (words.Count > 0)
                {
                    leaks.Add($"<{element.LocalName} class=\"{element.ClassName}\">: \"{text.Trim()}\" ({string.Join(", ", words)})");
                }
            }
        }

        return leaks;
    }

    // Names and numbers rather than words: anything with a digit, or joined by - _ . / : = # @ inside.
    [GeneratedRegex(@"\d|\w[-_./:=#@]\w")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[A-Za-z]{2,}$")]
    private static partial Regex Word();
}
