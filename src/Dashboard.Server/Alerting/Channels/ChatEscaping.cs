using System.Text;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// Makes text that came from agents inert in each chat markup: no links, images, mentions (@all, &lt;!channel&gt;,
/// &lt;at&gt;), headings or HTML-like tags can be injected, and no line break can start a block of its own.
/// </summary>
public static class ChatEscaping
{
    /// <summary>
    /// Slack mrkdwn: &amp;, &lt; and &gt; (which links and mentions need) become entities, as Slack documents; it has no
    /// escape for emphasis, so * ` ~ become look-alikes.
    /// </summary>
    public static string Slack(string text) => Flatten(text)
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace('*', '∗')
        .Replace('`', 'ˋ')
        .Replace('~', '～');

    /// <summary>CommonMark (Mattermost): backslash before every markup character; @ becomes its full-width look-alike, so no mention.</summary>
    public static string CommonMark(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        foreach (var c in Flatten(text))
        {
            if (c == '@')
            {
                result.Append('＠');
            }
            else if (c is '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '#' or '+' or '-' or '.' or '!' or '|' or '<' or '>' or '~' or ':')
            {
                result.Append('\\').Append(c);
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// Markdown dialects with no dependable escape (DingTalk, WeCom, Feishu lark_md, Adaptive Cards): markup characters
    /// become look-alike characters that no parser treats as markup.
    /// </summary>
    public static string LookAlike(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in Flatten(text))
        {
            result.Append(c switch
            {
                '<' => '‹',
                '>' => '›',
                '[' => '［',
                ']' => '］',
                '*' => '∗',
                '`' => 'ˋ',
                '#' => '＃',
                '|' => '｜',
                '~' => '～',
                '\\' => '＼',
                '@' => '＠',
                _ => c,
            });
        }

        return result.ToString();
    }

    /// <summary>One line, no control or bidirectional-override characters, and no URL scheme that chat would turn into a link.</summary>
    public static string Flatten(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\r' or '\n' or '\t')
            {
                result.Append(' ');
            }
            else if (!char.IsControl(c) && c is not ('\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069'))
            {
                result.Append(c);
            }
        }

        return result.Replace("://", "：//").ToString();
    }

    /// <summary>Plain-text fields (headers, buttons): not parsed as markup, but tags and mentions are still made inert.</summary>
    public static string PlainText(string text) => Flatten(text).Replace('<', '‹').Replace('>', '›').Replace('@', '＠');
}
