using System.Text;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>Cuts text to a chat's size limit without splitting a character.</summary>
public static class TextLimits
{
    public static string Chars(string text, int max, string suffix = "…")
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = Math.Max(0, max - suffix.Length);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + suffix;
    }

    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// Keeps whole lines while the text stays within <paramref name="maxBytes"/> UTF-8 bytes including the suffix line,
    /// so markup opened on a line is closed on it; a single line longer than the limit is cut between characters.
    /// </summary>
    public static string Utf8Lines(string text, int maxBytes, string suffix)
    {
        if (Utf8Bytes(text) <= maxBytes)
        {
            return text;
        }

        var budget = maxBytes - Utf8Bytes("\n" + suffix);
        var result = new StringBuilder();
        var used = 0;
        foreach (var line in text.Split('\n'))
        {
            var bytes = Utf8Bytes(line) + (result.Length > 0 ? 1 : 0);
            if (used + bytes > budget)
            {
                if (result.Length == 0)
                {
                    result.Append(Utf8Prefix(line, budget));
                }

                break;
            }

            result.Append(result.Length > 0 ? "\n" : "").Append(line);
            used += bytes;
        }

        return result.Append('\n').Append(suffix).ToString();
    }

    public static string Utf8Prefix(string text, int maxBytes)
    {
        var result = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            result.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }

        return result.ToString();
    }
}
