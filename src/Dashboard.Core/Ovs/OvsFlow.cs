using System.Globalization;

namespace Dashboard.Core.Ovs;

/// <summary>
/// One line of `ovs-ofctl dump-flows`: statistics (`cookie=…, table=…, n_packets=…, n_bytes=…,`), the match with its
/// priority (`priority=65,ip,reg5=0x1e,in_port=30,dl_src=…,nw_src=…`) and the actions.
/// </summary>
internal sealed class OvsFlow
{
    /// <summary>OpenFlow's priority when a flow was added without one (ovs-ofctl then prints none).</summary>
    public const int DefaultPriority = 32768;

    private static readonly HashSet<string> s_statistics = new(StringComparer.Ordinal)
    {
        "cookie", "duration", "table", "n_packets", "n_bytes", "n_offload_packets", "n_offload_bytes", "idle_timeout", "hard_timeout",
        "idle_age", "hard_age", "importance", "send_flow_rem", "reset_counts", "no_packet_counts", "no_byte_counts", "check_overlap",
    };

    private readonly Dictionary<string, string> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keywords = new(StringComparer.Ordinal);

    private OvsFlow(long line) => Line = line;

    public long Line { get; }
    public string? Cookie { get; private set; }
    public int Table { get; private set; }
    public int Priority { get; private set; } = DefaultPriority;
    public ulong? Packets { get; private set; }
    public ulong? Bytes { get; private set; }

    /// <summary>The match as printed, priority included ("" for a flow that matches everything at the default priority).</summary>
    public string Match { get; private set; } = "";

    public string Actions { get; private set; } = "";

    /// <summary>A value of the match (reg5, in_port, dl_src, nw_src, ct_state…), quotes of port names removed.</summary>
    public string? Field(string name) => _fields.GetValueOrDefault(name);

    /// <summary>A protocol keyword of the match (ip, ipv6, arp, tcp, udp, udp6, icmp…).</summary>
    public bool Has(string keyword) => _keywords.Contains(keyword);

    /// <returns>The flow, or null with <paramref name="problem"/> naming the field that could not be read.</returns>
    public static OvsFlow? TryRead(string line, long number, out string? field, out string? problem)
    {
        field = problem = null;
        var flow = new OvsFlow(number);
        var actionsAt = line.IndexOf("actions=", StringComparison.Ordinal);
        if (actionsAt < 0 || (actionsAt > 0 && line[actionsAt - 1] is not (' ' or ',')))
        {
            (field, problem) = ("actions", "no actions=; not a dump-flows line");
            return null;
        }

        flow.Actions = line[(actionsAt + "actions=".Length)..].Trim();
        var tokens = line[..actionsAt].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // Statistics are separated by ", ", the match by "," alone: a statistics key ends the statistics part.
        var matchStart = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var key = KeyOf(tokens[i]);
            if (s_statistics.Contains(key))
            {
                if (!flow.ReadStatistic(key, tokens[i][(key.Length + 1)..], out problem))
                {
                    field = key;
                    return null;
                }

                matchStart = i + 1;
            }
        }

        var match = tokens[matchStart..];
        foreach (var part in match)
        {
            var equals = part.IndexOf('=');
            if (equals < 0)
            {
                flow._keywords.Add(part);
                continue;
            }

            var (name, value) = (part[..equals], part[(equals + 1)..].Trim('"'));
            if (name == "priority")
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var priority))
                {
                    (field, problem) = ("priority", $"'{value}' is not a priority");
                    return null;
                }

                flow.Priority = priority;
            }

            flow._fields[name] = value;
        }

        flow.Match = string.Join(',', match);
        return flow;
    }

    /// <summary>An OpenFlow number as ovs-ofctl prints it: 0x1e or 30.</summary>
    public static bool TryNumber(string? text, out ulong value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string KeyOf(string token)
    {
        var equals = token.IndexOf('=');
        return equals < 0 ? "" : token[..equals];
    }

    private bool ReadStatistic(string key, string value, out string? problem)
    {
        problem = null;
        switch (key)
        {
            case "cookie":
                Cookie = value;
                break;
            case "table":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var table))
                {
                    // ovs-ofctl --names prints a table's name when it has one; Neutron's br-int tables have none.
                    problem = $"'{value}' is not a table number";
                    return false;
                }

                Table = table;
                break;
            case "n_packets" or "n_bytes":
                if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    problem = $"'{value}' is not a counter";
                    return false;
                }

                if (key == "n_packets")
                {
                    Packets = count;
                }
                else
                {
                    Bytes = count;
                }

                break;
        }

        return true;
    }
}
