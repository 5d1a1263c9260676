using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class RealServerTableTests
{
    private const string Vip = "10.1.26.252:10051";

    [Fact]
    public void Create_ThreeRealServers_EachItemReadsBackAsTheSampleItWasMadeFrom()
    {
        RealServerSample[] samples =
        [
            Sample("10.1.26.139:10051", weight: 100, active: 12, inactive: 3, ("ESTABLISHED", 12), ("FIN_WAIT", 3), ("SYN_RECV", 40)),
            Sample("10.1.26.140:10051", weight: 0, active: 0, inactive: 0),
            Sample("10.1.26.141:10051", weight: null, active: null, inactive: null, ("SYN_RECV", 7), ("TIME_WAIT", 1)),
        ];

        var table = RealServerTable.Create("TCP", Vip, samples, null);

        Assert.Equal(3, table.Count);
        for (var i = 0; i < samples.Length; i++)
        {
            var read = table[i];
            Assert.Equal(samples[i] with { ByState = read.ByState }, read);
            Assert.Equal(samples[i].ByState.ToArray(), read.ByState.ToArray());
            Assert.Equal((samples[i].Destination, samples[i].Connections, samples[i].SynRecv, samples[i].Weight),
                (table.Rows[i].Destination, table.Rows[i].Connections, table.Rows[i].SynRecv, table.Rows[i].Weight));
        }

        Assert.Equal(samples.Select(s => s.Destination), table.Select(s => s.Destination));
        Assert.Equal((63L, 47L, 12L, 3L, 2), (table.Connections, table.SynRecv, table.ActiveConn, table.InActConn, table.Up));
        Assert.Equal(40.0 / 55, table.Rows[0].SynRecvRatio);
    }

    [Fact]
    public void Item_StateCountsChangedByAReader_TheTableKeepsItsCounts()
    {
        var table = RealServerTable.Create("TCP", Vip,
            [Sample("10.1.26.139:10051", 100, 1, 0, ("ESTABLISHED", 1), ("SYN_RECV", 2)), Sample("10.1.26.140:10051", 100, 5, 0, ("ESTABLISHED", 5))], null);

        var read = table[0].ByState;
        read.Increase("ESTABLISHED", 1_000);
        read["CLOSE"] = 9;

        Assert.Equal([new("ESTABLISHED", 1L), new("SYN_RECV", 2L)], table[0].ByState.ToArray());
        Assert.Equal([new("ESTABLISHED", 5L)], table[1].ByState.ToArray());
    }

    [Fact]
    public void Create_SameCountsAgain_ThePreviousTableItself()
    {
        var first = RealServerTable.Create("TCP", Vip, [Sample("10.1.26.139:10051", 100, 4, 1, ("ESTABLISHED", 4), ("SYN_RECV", 1))], null);

        var again = RealServerTable.Create(new string("TCP"), new string(Vip),
            [Sample(new string("10.1.26.139:10051"), 100, 4, 1, ("ESTABLISHED", 4), ("SYN_RECV", 1))], first);
        var moved = RealServerTable.Create("TCP", Vip, [Sample("10.1.26.139:10051", 100, 4, 1, ("ESTABLISHED", 4), ("SYN_RECV", 2))], again);
        var weighed = RealServerTable.Create("TCP", Vip, [Sample("10.1.26.139:10051", 50, 4, 1, ("ESTABLISHED", 4), ("SYN_RECV", 2))], moved);

        Assert.Same(first, again);
        Assert.NotSame(again, moved);
        Assert.Equal(2, moved[0].ByState["SYN_RECV"]);
        Assert.NotSame(moved, weighed);
        Assert.Equal(50, weighed[0].Weight);
    }

    [Fact]
    public void Create_OnlyTheMixOfStatesChanged_ANewTableWithTheNewCounts()
    {
        var first = RealServerTable.Create("TCP", Vip, [Sample("10.1.26.139:10051", 100, 4, 2, ("ESTABLISHED", 4), ("FIN_WAIT", 1), ("SYN_RECV", 1))], null);

        var shifted = RealServerTable.Create("TCP", Vip, [Sample("10.1.26.139:10051", 100, 4, 2, ("ESTABLISHED", 3), ("FIN_WAIT", 2), ("SYN_RECV", 1))], first);

        Assert.Equal((first.Connections, first.SynRecv), (shifted.Connections, shifted.SynRecv));
        Assert.NotSame(first, shifted);
        Assert.Equal((3L, 2L), (shifted[0].ByState["ESTABLISHED"], shifted[0].ByState["FIN_WAIT"]));
    }

    [Fact]
    public void Create_CountsChanged_KeepsThePreviousTextOfEachDestinationWhereverItNowIs()
    {
        var first = RealServerTable.Create("TCP", Vip,
            [Sample("10.1.26.139:10051", 100, 1, 0, ("ESTABLISHED", 1)), Sample("10.1.26.141:10051", 100, 1, 0, ("ESTABLISHED", 1))], null);

        var second = RealServerTable.Create("TCP", Vip,
        [
            Sample(new string("10.1.26.139:10051"), 100, 2, 0, ("ESTABLISHED", 2)),
            Sample("10.1.26.140:10051", 100, 3, 0, ("ESTABLISHED", 3)),
            Sample(new string("10.1.26.141:10051"), 100, 4, 0, ("ESTABLISHED", 4)),
        ], first);

        Assert.Same(first.Rows[0].Destination, second.Rows[0].Destination);
        Assert.Same(first.Rows[1].Destination, second.Rows[2].Destination);
        Assert.Same(first.Rows[1].Forward, second.Rows[2].Forward);
        Assert.Equal([2L, 3, 4], second.Select(r => r.ByState["ESTABLISHED"]));
        Assert.Equal(9, second.Connections);
    }

    [Fact]
    public void Create_NoRealServers_AnEmptyTableWithNothingToSum()
    {
        var table = RealServerTable.Create("TCP", Vip, [], null);

        Assert.Empty(table);
        Assert.Equal((0L, 0L, 0), (table.Connections, table.SynRecv, table.Up));
        Assert.Throws<IndexOutOfRangeException>(() => table[0]);
    }

    private static RealServerSample Sample(string destination, int? weight, long? active, long? inactive, params (string State, long Count)[] states)
    {
        var byState = StateCounts.FromUnordered(states.Select(s => new KeyValuePair<string, long>(s.State, s.Count)).ToArray());
        byState.TryGetValue(RealServerSample.SynRecvState, out var synRecv);
        return new RealServerSample("TCP", Vip, destination, new string("Route"), weight, active, inactive, byState.Total(), synRecv, 0, byState);
    }
}
