using Dashboard.Core.Ipvs;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class ConnectionTableAggregatorTests
{
    [Fact]
    public void ResetMerged_AfterAMerge_CountsKnownPairsAtOnceAndOnlyTheNextChunksRows()
    {
        // Arrange
        var options = IpvsConnectionParseOptions.Default;
        var merged = new ConnectionTableAggregator(options, new CappedDiagnostics(options.MaxDiagnosticsPerKind), ConnectionColumns.Ipvsadm);
        var chunk = new ConnectionTableAggregator(options, new CappedDiagnostics(options.MaxDiagnosticsPerKind), ConnectionColumns.Ipvsadm, speculative: true);
        var pair = "10.1.26.252:10051  10.1.26.139:10051"u8;
        var row = new ConnectionRow
        {
            Protocol = "TCP"u8,
            State = "ESTABLISHED"u8,
            Client = ParsedEndpoint.Ipv4(Ipv4("10.0.19.92"), 37358),
            ClientText = "10.0.19.92:37358"u8,
            Virtual = ParsedEndpoint.Ipv4(Ipv4("10.1.26.252"), 10051),
            VirtualText = "10.1.26.252:10051"u8,
            Destination = ParsedEndpoint.Ipv4(Ipv4("10.1.26.139"), 10051),
            DestinationText = "10.1.26.139:10051"u8,
        };
        Assert.True(chunk.TryAdd(row, 1, pair));
        Assert.True(merged.TryMerge(chunk));

        // Act
        chunk.ResetMerged();
        var seen = chunk.TryCountSeen(KnownConnectionProtocols.FindCommon("TCP"u8), KnownConnectionStates.Established, false, pair, out _);
        var mergedAgain = merged.TryMerge(chunk);
        chunk.ResetMerged();
        var mergedEmpty = merged.TryMerge(chunk);

        // Assert
        Assert.True(seen);
        Assert.True(mergedAgain && mergedEmpty);
        var destination = Assert.Single(merged.Build().Destinations);
        Assert.Equal(2, destination.ByState["ESTABLISHED"]);
        Assert.Equal(1, destination.ByState.Count);
    }
}
