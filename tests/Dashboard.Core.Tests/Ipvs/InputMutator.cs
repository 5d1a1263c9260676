using System.Text;

namespace Dashboard.Core.Tests.Ipvs;

/// <summary>Seeded damage to real inputs: truncation, duplicated lines, swapped fields, CRLF, NULs, extreme numbers, noise.</summary>
internal sealed class InputMutator
{
    private readonly Random _random;

    public InputMutator(int seed)
    {
        _random = new Random(seed);
    }

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
                5 => FlipByte(result),
                6 => ReplaceNumber(result, "18446744073709551615"),
                7 => ReplaceNumber(result, "18446744073709551616"),
                8 => ReplaceNumber(result, "-" + _random.Next(1, 100_000)),
                _ => Insert(result, RandomBytes(_random.Next(1, 200))),
            };
        }

        return result;
    }

    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
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

    private byte[] EditLines(byte[] input, Action<List<string>> edit)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n').ToList();
        edit(lines);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

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

    private byte[] Insert(byte[] input, byte[] bytes)
    {
        var at = _random.Next(input.Length + 1);
        return [.. input.AsSpan(0, at), .. bytes, .. input.AsSpan(at)];
    }

    private byte[] FlipByte(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var copy = (byte[])input.Clone();
        copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    private byte[] ReplaceNumber(byte[] input, string replacement)
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
}
