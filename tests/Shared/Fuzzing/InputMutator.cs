using System.Text;

namespace Dashboard.Testing;

/// <summary>
/// Seeded damage to real inputs, the kind captures suffer in transit plus hostile extremes: a named catalogue of
/// mutations, stacked random edits, noise lines between good ones, random bytes. The same seed gives the same inputs.
/// </summary>
internal sealed class InputMutator(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Each mutation by name: whole-input damage first, then <paramref name="randomRounds"/> rounds of random edits.</summary>
    public IEnumerable<(string Name, byte[] Bytes)> Catalogue(byte[] sample, int randomRounds = 40)
    {
        var text = Encoding.UTF8.GetString(sample);
        var lines = text.Split('\n');

        yield return ("empty", []);
        yield return ("crlf", Encoding.UTF8.GetBytes(string.Join("\r\n", lines)));
        yield return ("cr-only", Encoding.UTF8.GetBytes(string.Join("\r", lines)));
        yield return ("nul-bytes", Encoding.UTF8.GetBytes(text.Replace(" ", " \0", StringComparison.Ordinal)));
        yield return ("all-lines-doubled", Encoding.UTF8.GetBytes(string.Join("\n", lines.SelectMany(l => new[] { l, l }))));
        yield return ("max-counters", Encoding.UTF8.GetBytes(ReplaceEveryNumber(text, "18446744073709551615")));
        yield return ("overflowing-counters", Encoding.UTF8.GetBytes(ReplaceEveryNumber(text, "18446744073709551616")));
        yield return ("negative-numbers", Encoding.UTF8.GetBytes(ReplaceEveryNumber(text, "-5")));
        yield return ("unbalanced-quotes", Encoding.UTF8.GetBytes(text.Replace("\" ", " ", StringComparison.Ordinal).Replace("\"", "\"\\", StringComparison.Ordinal)));
        yield return ("ten-megabyte-line", TenMegabyteLineBefore(sample));
        yield return ("random-bytes", RandomBytes(4096));
        yield return ("random-printable", RandomPrintable(4096));

        for (var round = 0; round < randomRounds; round++)
        {
            yield return ($"truncated-{round}", sample[.._random.Next(sample.Length + 1)]);
            yield return ($"line-duplicated-{round}", Encoding.UTF8.GetBytes(DuplicateOneLine(lines)));
            yield return ($"fields-swapped-{round}", Encoding.UTF8.GetBytes(SwapFieldsOfOneLine(lines)));
            yield return ($"bytes-flipped-{round}", OverwriteBytes(sample));
            yield return ($"lines-shuffled-{round}", Encoding.UTF8.GetBytes(string.Join("\n", lines.OrderBy(_ => _random.Next()))));
        }
    }

    /// <summary>One to three random edits stacked on the input.</summary>
    public byte[] Mutate(byte[] input)
    {
        var result = input;
        var rounds = _random.Next(1, 4);
        for (var i = 0; i < rounds; i++)
        {
            result = _random.Next(10) switch
            {
                0 => result[.._random.Next(result.Length + 1)],
                1 => EditLines(result, lines => lines.Insert(_random.Next(lines.Count + 1), lines[_random.Next(lines.Count)])),
                2 => EditLines(result, lines => SwapFields(lines, _random.Next(lines.Count))),
                3 => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(result).Replace("\n", "\r\n")),
                4 => Insert(result, [0]),
                5 => FlipBit(result),
                6 => ReplaceOneNumber(result, "18446744073709551615"),
                7 => ReplaceOneNumber(result, "18446744073709551616"),
                8 => ReplaceOneNumber(result, "-" + _random.Next(1, 100_000)),
                _ => Insert(result, RandomBytes(_random.Next(1, 200))),
            };
        }

        return result;
    }

    public byte[] RandomBytes(int length) => RandomBytes(_random, length);

    /// <summary>For a test that draws its lengths from the same generator as the bytes.</summary>
    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A line of noise that holds no newline, so it stays one line.</summary>
    public string GarbageLine()
    {
        var bytes = RandomBytes(_random.Next(1, 120));
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' || bytes[i] == (byte)'\r')
            {
                bytes[i] = (byte)'#';
            }
        }

        return "~garbage " + Encoding.Latin1.GetString(bytes);
    }

    /// <summary>The good lines with noise lines spread between them.</summary>
    public string Interleave(string text, int garbageLines)
    {
        var lines = text.Split('\n').ToList();
        for (var i = 0; i < garbageLines; i++)
        {
            lines.Insert(_random.Next(lines.Count + 1), GarbageLine());
        }

        return string.Join('\n', lines);
    }

    private byte[] RandomPrintable(int length)
    {
        const string alphabet = " \t\n\"\\:[]*-!/#=,.()0123456789abcdefABCDEF";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return Encoding.UTF8.GetBytes(chars);
    }

    private static byte[] TenMegabyteLineBefore(byte[] sample)
    {
        var line = new byte[10 * 1024 * 1024];
        Array.Fill(line, (byte)'x');
        return [.. line, (byte)'\n', .. sample];
    }

    private static string ReplaceEveryNumber(string text, string number)
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

    private byte[] ReplaceOneNumber(byte[] input, string replacement)
    {
        var text = Encoding.UTF8.GetString(input);
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1]))).ToList();
        if (digits.Count == 0)
        {
            return input;
        }

        var start = digits[_random.Next(digits.Count)];
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return Encoding.UTF8.GetBytes(text[..start] + replacement + text[end..]);
    }

    private string DuplicateOneLine(string[] lines)
    {
        var list = lines.ToList();
        var at = _random.Next(list.Count);
        list.Insert(_random.Next(list.Count + 1), list[at]);
        return string.Join("\n", list);
    }

    /// <summary>Swaps two fields of one line, keeping the line's own spacing elsewhere (empty fields count).</summary>
    private string SwapFieldsOfOneLine(string[] lines)
    {
        var copy = (string[])lines.Clone();
        var at = _random.Next(copy.Length);
        var fields = copy[at].Split(' ');
        if (fields.Length > 1)
        {
            var a = _random.Next(fields.Length);
            var b = _random.Next(fields.Length);
            (fields[a], fields[b]) = (fields[b], fields[a]);
            copy[at] = string.Join(' ', fields);
        }

        return string.Join("\n", copy);
    }

    /// <summary>Swaps two fields of one line, spacing collapsed to single spaces.</summary>
    private void SwapFields(List<string> lines, int index)
    {
        var fields = lines[index].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return;
        }

        var a = _random.Next(fields.Length);
        var b = _random.Next(fields.Length);
        (fields[a], fields[b]) = (fields[b], fields[a]);
        lines[index] = string.Join(' ', fields);
    }

    private byte[] OverwriteBytes(byte[] sample)
    {
        var copy = (byte[])sample.Clone();
        for (var k = 0; k < 8 && copy.Length > 0; k++)
        {
            copy[_random.Next(copy.Length)] = (byte)_random.Next(256);
        }

        return copy;
    }

    private static byte[] EditLines(byte[] input, Action<List<string>> edit)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n').ToList();
        edit(lines);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    private byte[] Insert(byte[] input, byte[] bytes)
    {
        var at = _random.Next(input.Length + 1);
        return [.. input.AsSpan(0, at), .. bytes, .. input.AsSpan(at)];
    }

    private byte[] FlipBit(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var copy = (byte[])input.Clone();
        copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return copy;
    }
}
