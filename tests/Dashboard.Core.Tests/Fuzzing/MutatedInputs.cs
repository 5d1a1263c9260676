using System.Text;

namespace Dashboard.Core.Tests.Fuzzing;

/// <summary>Seeded mutations of a real sample: the damage captures suffer in transit, plus hostile extremes.</summary>
internal static class MutatedInputs
{
    public static IEnumerable<(string Name, byte[] Bytes)> Of(byte[] sample, int seed, int randomRounds = 40)
    {
        var random = new Random(seed);
        var text = Encoding.UTF8.GetString(sample);
        var lines = text.Split('\n');

        yield return ("empty", []);
        yield return ("crlf", Encoding.UTF8.GetBytes(string.Join("\r\n", lines)));
        yield return ("cr-only", Encoding.UTF8.GetBytes(string.Join("\r", lines)));
        yield return ("nul-bytes", Encoding.UTF8.GetBytes(text.Replace(" ", " \0", StringComparison.Ordinal)));
        yield return ("all-lines-doubled", Encoding.UTF8.GetBytes(string.Join("\n", lines.SelectMany(l => new[] { l, l }))));
        yield return ("max-counters", Encoding.UTF8.GetBytes(ReplaceNumbers(text, "18446744073709551615")));
        yield return ("overflowing-counters", Encoding.UTF8.GetBytes(ReplaceNumbers(text, "18446744073709551616")));
        yield return ("negative-numbers", Encoding.UTF8.GetBytes(ReplaceNumbers(text, "-5")));
        yield return ("unbalanced-quotes", Encoding.UTF8.GetBytes(text.Replace("\" ", " ", StringComparison.Ordinal).Replace("\"", "\"\\", StringComparison.Ordinal)));
        yield return ("ten-megabyte-line", TenMegabyteLine(sample));
        yield return ("random-bytes", RandomBytes(random, 4096));
        yield return ("random-printable", RandomPrintable(random, 4096));

        for (var round = 0; round < randomRounds; round++)
        {
            yield return ($"truncated-{round}", sample[..random.Next(sample.Length + 1)]);
            yield return ($"line-duplicated-{round}", Encoding.UTF8.GetBytes(DuplicateLine(lines, random)));
            yield return ($"fields-swapped-{round}", Encoding.UTF8.GetBytes(SwapFields(lines, random)));
            yield return ($"bytes-flipped-{round}", FlipBytes(sample, random));
            yield return ($"lines-shuffled-{round}", Encoding.UTF8.GetBytes(string.Join("\n", lines.OrderBy(_ => random.Next()))));
        }
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomPrintable(Random random, int length)
    {
        const string alphabet = " \t\n\"\\:[]*-!/#=,.()0123456789abcdefABCDEF";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return Encoding.UTF8.GetBytes(chars);
    }

    private static byte[] TenMegabyteLine(byte[] sample)
    {
        var line = new byte[10 * 1024 * 1024];
        Array.Fill(line, (byte)'x');
        return [.. line, (byte)'\n', .. sample];
    }

    private static string ReplaceNumbers(string text, string number)
    {
        var builder = new StringBuilder(text.Length * 2);
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                builder.Append(number);
            }
            else
            {
                builder.Append(text[i++]);
            }
        }

        return builder.ToString();
    }

    private static string DuplicateLine(string[] lines, Random random)
    {
        var list = lines.ToList();
        var at = random.Next(list.Count);
        list.Insert(random.Next(list.Count + 1), list[at]);
        return string.Join("\n", list);
    }

    private static string SwapFields(string[] lines, Random random)
    {
        var copy = (string[])lines.Clone();
        var at = random.Next(copy.Length);
        var fields = copy[at].Split(' ');
        if (fields.Length > 1)
        {
            var a = random.Next(fields.Length);
            var b = random.Next(fields.Length);
            (fields[a], fields[b]) = (fields[b], fields[a]);
            copy[at] = string.Join(' ', fields);
        }

        return string.Join("\n", copy);
    }

    private static byte[] FlipBytes(byte[] sample, Random random)
    {
        var copy = (byte[])sample.Clone();
        for (var k = 0; k < 8 && copy.Length > 0; k++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }
}
