using System.Text;
using System.Text.RegularExpressions;

namespace Dashboard.Server.Alerting;

// Written here: no .NET package parses Alertmanager's matcher syntax.
/// <summary>
/// One matcher of a silence, in Alertmanager's syntax: <c>name="value"</c>, <c>name!="value"</c>, <c>name=~"regex"</c>,
/// <c>name!~"regex"</c>. Regular expressions are anchored, as in Alertmanager.
/// </summary>
public sealed partial record SilenceMatcher(string Name, string Value, bool IsRegex, bool IsEqual)
{
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(50);

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.GetValueOrDefault(Name) ?? "";
        var hit = IsRegex
            ? Regex.IsMatch(value, $"^(?:{Value})$", RegexOptions.CultureInvariant, s_regexTimeout)
            : string.Equals(value, Value, StringComparison.Ordinal);
        return hit == IsEqual;
    }

    public override string ToString() =>
        $"{Name}{(IsEqual, IsRegex) switch { (true, false) => "=", (false, false) => "!=", (true, true) => "=~", _ => "!~" }}\"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>Parses <c>a="x", b=~"y.*"</c>; the error names what is wrong.</summary>
    public static bool TryParseList(string? text, out List<SilenceMatcher> matchers, out string? error)
    {
        matchers = [];
        error = null;
        var rest = (text ?? "").Trim().TrimStart('{').TrimEnd('}').Trim();
        while (rest.Length > 0)
        {
            var match = MatcherPattern().Match(rest);
            if (!match.Success)
            {
                error = $"cannot read a matcher at \"{Shorten(rest)}\"; write name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"";
                return false;
            }

            var op = match.Groups["op"].Value;
            var value = Unquote(match.Groups["value"].Value);
            var matcher = new SilenceMatcher(match.Groups["name"].Value, value, op.EndsWith('~'), !op.StartsWith('!'));
            if (matcher.IsRegex && !IsValidRegex(value, out var reason))
            {
                error = $"{matcher.Name}: not a regular expression ({reason})";
                return false;
            }

            matchers.Add(matcher);
            rest = rest[match.Length..].TrimStart().TrimStart(',').TrimStart();
        }

        if (matchers.Count == 0)
        {
            error = "a silence needs at least one matcher";
            return false;
        }

        if (matchers.All(m => m.Matches(new Dictionary<string, string>())))
        {
            error = "at least one matcher must not match an empty value (as in Alertmanager), or the silence would also mute alerts without that label";
            return false;
        }

        return true;
    }

    private static bool IsValidRegex(string pattern, out string? reason)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, s_regexTimeout);
            reason = null;
            return true;
        }
        catch (ArgumentException e)
        {
            reason = e.Message;
            return false;
        }
    }

    private static string Unquote(string quoted)
    {
        var text = new StringBuilder();
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length - 1)
            {
                i++;
            }

            text.Append(quoted[i]);
        }

        return text.ToString();
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    [GeneratedRegex("""^(?<name>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?<op>!=|=~|!~|=)\s*(?<value>"(?:[^"\\]|\\.)*")""")]
    private static partial Regex MatcherPattern();
}
