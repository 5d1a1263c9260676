using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Dashboard.Core.Parsing;

/// <summary>Whitespace tokenizing and number reading over UTF-8 spans, allocation-free.</summary>
public static class Tokens
{
    /// <summary>Takes the next run of non-blank bytes (space, tab, NUL and other control bytes are blanks).</summary>
    public static bool Next(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        var i = 0;
        while (i < rest.Length && rest[i] <= (byte)' ')
        {
            i++;
        }

        var start = i;
        while (i < rest.Length && rest[i] > (byte)' ')
        {
            i++;
        }

        token = rest[start..i];
        rest = rest[i..];
        return token.Length > 0;
    }

    public static ReadOnlySpan<byte> TrimBlanks(ReadOnlySpan<byte> span)
    {
        var start = 0;
        while (start < span.Length && span[start] <= (byte)' ')
        {
            start++;
        }

        var end = span.Length;
        while (end > start && span[end - 1] <= (byte)' ')
        {
            end--;
        }

        return span[start..end];
    }

    public static bool TryDecimal(ReadOnlySpan<byte> token, out ulong value) =>
        Utf8Parser.TryParse(token, out value, out var consumed) && consumed == token.Length;

    public static bool TryHex(ReadOnlySpan<byte> token, out ulong value) =>
        ulong.TryParse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    /// <summary>Text of a span for messages: decoded leniently and cut to a readable length.</summary>
    public static string Show(ReadOnlySpan<byte> span, int max = 80)
    {
        var cut = span.Length > max ? span[..max] : span;
        var text = Encoding.UTF8.GetString(cut);
        return span.Length > max ? text + "…" : text;
    }
}
