namespace Dashboard.Core.Ipvs;

/// <summary>ipvsadm's print_largenum(): plain digits, or digits with K/M/G/T meaning ×10³/10⁶/10⁹/10¹², truncated.</summary>
internal static class LargeNumber
{
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
