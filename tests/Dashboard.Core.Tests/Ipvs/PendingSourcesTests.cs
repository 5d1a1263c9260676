using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class PendingSourcesTests
{
    [Fact]
    public void Indexer_MixedClientKinds_GivesBackEveryPairAndClientInOrder()
    {
        // Arrange
        var random = new Random(5);
        var expected = new List<(int Pair, ClientAddress Client)>();
        var pending = new PendingSources();
        for (var i = 0; i < 2000; i++)
        {
            var client = random.Next(4) switch
            {
                0 => new ClientAddress(EndpointKind.Ipv6, new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())),
                1 => new ClientAddress(EndpointKind.Name, new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())),
                2 => new ClientAddress(EndpointKind.Ipv4, uint.MaxValue),
                _ => new ClientAddress(EndpointKind.Ipv4, (uint)random.NextInt64(0, 1L << 32)),
            };
            var pair = i == 0 ? int.MaxValue : random.Next(1_000_000);
            expected.Add((pair, client));

            // Act
            pending.Add(pair, client);
        }

        // Assert
        Assert.Equal(expected.Count, pending.Count);
        Assert.Equal(expected, Enumerable.Range(0, pending.Count).Select(i => pending[i]));
    }

    [Fact]
    public void Clear_AfterEntries_LeavesNoneAndTakesNewOnes()
    {
        // Arrange
        var pending = new PendingSources();
        pending.Add(1, new ClientAddress(EndpointKind.Ipv6, UInt128.MaxValue));
        pending.Add(2, new ClientAddress(EndpointKind.Ipv4, 7));

        // Act
        pending.Clear();
        pending.Add(3, new ClientAddress(EndpointKind.Name, 9));

        // Assert
        Assert.Equal(1, pending.Count);
        Assert.Equal((3, new ClientAddress(EndpointKind.Name, 9)), pending[0]);
    }
}
