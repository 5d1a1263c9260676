using System.Globalization;
using System.Text;

namespace Dashboard.Core.Ovs;

/// <summary>
/// `ovs-vsctl --format=csv --columns=name,ofport,external_ids list Interface`: a header naming the columns (any order),
/// then one row per interface, e.g. `tap38833ad6-c6,1,"{attached-mac=""fa:16:3e:c4:20:c7"", iface-id=""38833ad6-…"", iface-status=active}"`.
/// </summary>
internal sealed class OvsInterfaceCsvParser
{
    private readonly int _name;
    private readonly int _ofport;
    private readonly int _externalIds;

    private OvsInterfaceCsvParser(int name, int ofport, int externalIds) => (_name, _ofport, _externalIds) = (name, ofport, externalIds);

    /// <returns>A reader for the rows after this header, or null when the line is not the header of such a listing.</returns>
    public static OvsInterfaceCsvParser? FromHeader(string line)
    {
        var columns = line.Split(',');
        var name = Array.IndexOf(columns, "name");
        var ofport = Array.IndexOf(columns, "ofport");
        var externalIds = Array.IndexOf(columns, "external_ids");
        return name >= 0 && (ofport >= 0 || externalIds >= 0) && Array.TrueForAll(columns, IsColumnName)
            ? new OvsInterfaceCsvParser(name, ofport, externalIds)
            : null;
    }

    /// <returns>The interface, or null with the field and the reason the row could not be read.</returns>
    public OvsInterface? TryRead(string line, out string? field, out string? problem)
    {
        field = problem = null;
        if (SplitCsv(line) is not { } cells)
        {
            (field, problem) = ("csv", "unbalanced '\"'; not an ovs-vsctl --format=csv row");
            return null;
        }

        var needed = Math.Max(_name, Math.Max(_ofport, _externalIds));
        if (cells.Count <= needed)
        {
            (field, problem) = ("csv", $"{cells.Count} columns, the header named {needed + 1}");
            return null;
        }

        var ids = _externalIds < 0 ? new Dictionary<string, string>() : ReadMap(cells[_externalIds]);
        if (ids is null)
        {
            (field, problem) = ("external_ids", $"'{cells[_externalIds]}' is not a {{key=value, …}} map");
            return null;
        }

        ulong? ofport = null;
        if (_ofport >= 0 && !TryOfPort(cells[_ofport], out ofport))
        {
            (field, problem) = ("ofport", $"'{cells[_ofport]}' is not a port number");
            return null;
        }

        return new OvsInterface
        {
            Name = Unquote(cells[_name]),
            OfPort = ofport,
            IfaceId = ids.GetValueOrDefault("iface-id"),
            AttachedMac = ids.GetValueOrDefault("attached-mac"),
        };
    }

    private static bool IsColumnName(string column) => column.Length > 0 && column.All(c => char.IsAsciiLetterLower(c) || c == '_' || char.IsAsciiDigit(c));

    /// <summary>`[]` is an unset port and -1 one Open vSwitch could not add: neither has a number.</summary>
    private static bool TryOfPort(string text, out ulong? ofport)
    {
        ofport = null;
        if (text is "[]" or "-1")
        {
            return true;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        ofport = value;
        return true;
    }

    // RFC 4180 cells (quotes doubled inside quoted cells): a dozen lines, no CSV library in the project.
    private static List<string>? SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return quoted ? null : cells;
    }

    /// <summary>An OVSDB map as ovs-vsctl prints it: `{}` or `{key=value, key="quoted value"}`.</summary>
    private static Dictionary<string, string>? ReadMap(string text)
    {
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}')
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = text[1..^1];
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i < body.Length && body[i] == '\\' && quoted)
            {
                i++;
                continue;
            }

            if (i < body.Length && body[i] == '"')
            {
                quoted = !quoted;
                continue;
            }

            if (i < body.Length && (quoted || body[i] != ','))
            {
                continue;
            }

            var entry = body[start..i].Trim();
            start = i + 1;
            if (entry.Length == 0)
            {
                continue;
            }

            var equals = entry.IndexOf('=');
            if (equals <= 0)
            {
                return null;
            }

            map[Unquote(entry[..equals])] = Unquote(entry[(equals + 1)..]);
        }

        return quoted ? null : map;
    }

    /// <summary>OVSDB strings are printed bare when they can be, else in JSON-style quotes.</summary>
    private static string Unquote(string text)
    {
        text = text.Trim();
        return text.Length >= 2 && text[0] == '"' && text[^1] == '"'
            ? text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal)
            : text;
    }
}
