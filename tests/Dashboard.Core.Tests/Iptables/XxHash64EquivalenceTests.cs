namespace Dashboard.Core.Tests.Iptables;

/// <summary>Issue 25: System.IO.Hashing's XxHash64 gives every value the project's own XXH64 gave, so rule identities stay.</summary>
public sealed class XxHash64EquivalenceTests
{
    [Fact]
    public void Hash_EveryLengthUpTo1024_MatchesTheOwnImplementation()
    {
        var random = new Random(25);
        var bytes = new byte[1024];
        random.NextBytes(bytes);
        for (var length = 0; length <= bytes.Length; length++)
        {
            var data = bytes.AsSpan(0, length);
            Assert.Equal(Dashboard.Core.Iptables.XxHash64.Hash(data), System.IO.Hashing.XxHash64.HashToUInt64(data));
        }
    }
}
