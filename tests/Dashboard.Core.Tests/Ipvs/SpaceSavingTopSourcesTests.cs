using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class SpaceSavingTopSourcesTests
{
    [Fact]
    public void Top_FewerSourcesThanCapacity_ExactCounts()
    {
        var sketch = new SpaceSavingTopSources(8);
        for (var i = 1; i <= 5; i++)
        {
            for (var n = 0; n < i * 10; n++)
            {
                sketch.Offer(new ClientAddress(EndpointKind.Ipv4, (uint)i), default);
            }
        }

        var top = sketch.Top(3).ToList();

        Assert.Equal([("0.0.0.5", 50L, 0L), ("0.0.0.4", 40L, 0L), ("0.0.0.3", 30L, 0L)], top);
        Assert.Equal(150, sketch.Total);
    }

    [Fact]
    public void Offer_RandomStreams_EveryHeavyHitterKeptWithinTheErrorBound()
    {
        var random = new Random(4242);
        for (var round = 0; round < 30; round++)
        {
            // From capacity 10 up, a source with a fifth of the rows outranks any other estimate (at most rows/capacity over).
            var capacity = random.Next(10, 64);
            var sketch = new SpaceSavingTopSources(capacity);
            var truth = new Dictionary<uint, long>();
            var rows = random.Next(1_000, 20_000);
            var heavy = (uint)random.Next(1, 1000);
            for (var i = 0; i < rows; i++)
            {
                var source = random.Next(5) == 0 ? heavy : (uint)random.Next(1, 1_000_000);
                truth[source] = truth.GetValueOrDefault(source) + 1;
                sketch.Offer(new ClientAddress(EndpointKind.Ipv4, source), default);
            }

            var reported = sketch.Top(capacity).ToList();
            Assert.True(reported.Count <= capacity);
            foreach (var (client, count, overcount) in reported)
            {
                var actual = truth[TestInput.Ipv4(client)];
                Assert.InRange(actual, count - overcount, count);
                Assert.InRange(overcount, 0, rows / capacity);
            }

            // Space-Saving guarantees every source above rows/capacity is present.
            foreach (var (source, count) in truth.Where(t => t.Value > rows / capacity))
            {
                Assert.Contains(reported, r => r.Client == IpAddressText.FormatIpv4(source));
            }

            Assert.Equal(IpAddressText.FormatIpv4(heavy), reported[0].Client);
        }
    }

    [Fact]
    public void Offer_RandomStreamsWithEvictions_SameTopAsTheDictionaryIndexedSketch()
    {
        var random = new Random(77);
        for (var round = 0; round < 200; round++)
        {
            var capacity = random.Next(1, 80);
            var sketch = new SpaceSavingTopSources(capacity);
            var reference = new DictionarySpaceSaving(capacity);
            var sources = random.Next(1, 400);
            for (var i = random.Next(100, 5_000); i > 0; i--)
            {
                // Few sources repeat often, many come once: evictions, re-entries and ties in every round.
                var source = random.Next(4) == 0 ? (uint)random.Next(3) : (uint)random.Next(sources);
                var kind = random.Next(50) == 0 ? EndpointKind.Ipv6 : EndpointKind.Ipv4;
                var key = new ClientAddress(kind, kind == EndpointKind.Ipv6 ? new UInt128(0x20010db8, source) : source);
                sketch.Offer(key, default);
                reference.Offer(key, default);
            }

            Assert.Equal(reference.Top(capacity).ToList(), sketch.Top(capacity).ToList());
        }
    }
}
