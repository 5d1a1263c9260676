namespace Dashboard.Core.Ipvs;

/// <summary>ipvsadm's print_largenum(): plain digits, or digits with K/M/G/T meaning ×10³/10⁶/10⁹/10¹², truncated.</summary>
internal static class LargeNumber
{
    /// <summary>
    /// The next number's text. "%8lluT" fills all eight places from 10^19 up, so a T value can touch the number before
    /// it ("99999G18446744T"): a suffix letter ends a number even without a blank after it.
    /// </summary>
    public static bool NextToken(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        var i = 0;
        while (i < rest.Length && rest[i] <= (byte)' ')
        {
            i++;
        }

        var start = i;
        while (i < rest.Length && rest[i] > (byte)' ')
        {
            var b = rest[i++];
            if ((b == 'K' || b == 'M' || b == 'G' || b == 'T') && i < rest.Length && (uint)(rest[i] - '0') <= 9)
            {
                break;
            }
        }

        token = rest[start..i];
        rest = rest[i..];
        return token.Length > 0;
    }

    public static bool TryRead(ReadOnlySpan<byte> token, out ulong value, out bool truncated)
    {
        value = 0;
        truncated = false;
        if (token.IsEmpty)
        {
            return false;
        }

        ulong multiplier = token[^1] switch
        {
            (byte)'K' => 1_000UL,
            (byte)'M' => 1_000_000UL,
            (byte)'G' => 1_000_000_000UL,
            (byte)'T' => 1_000_000_000_000UL,
            _ => 1UL,
        };
        var digits = multiplier == 1 ? token : token[..^1];
        if (!IpAddressText.IsAllDigits(digits) || !Parsing.Tokens.TryDecimal(digits, out var number))
        {
            return false;
        }

        truncated = multiplier != 1;
        if (number > ulong.MaxValue / multiplier)
        {
            return false;
        }

        value = number * multiplier;
        return true;
    }
}
