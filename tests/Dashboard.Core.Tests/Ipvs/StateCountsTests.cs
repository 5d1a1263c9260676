using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class StateCountsTests
{
    [Fact]
    public void Indexer_NamesSetInAnyOrder_EnumeratesInOrdinalOrder()
    {
        var counts = new StateCounts { ["TIME_WAIT"] = 4, ["ESTABLISHED"] = 1, ["SYN_RECV"] = 3, ["CLOSE"] = 2, ["FIN_WAIT"] = 5 };

        Assert.Equal(["CLOSE", "ESTABLISHED", "FIN_WAIT", "SYN_RECV", "TIME_WAIT"], counts.Keys);
        Assert.Equal([2L, 1, 5, 3, 4], counts.Values);
        Assert.Equal(15, counts.Total());
    }

    [Fact]
    public void Increase_NewAndKnownStates_AddsToTheCountFromZero()
    {
        var counts = new StateCounts();

        counts.Increase("SYN_RECV", 2);
        counts.Increase("ESTABLISHED", 7);
        counts.Increase("SYN_RECV", 3);

        Assert.Equal((5L, 7L, 2), (counts["SYN_RECV"], counts["ESTABLISHED"], counts.Count));
        Assert.False(counts.ContainsKey("CLOSE"));
        Assert.Throws<KeyNotFoundException>(() => counts["CLOSE"]);
    }

    [Fact]
    public void Slice_PartOfASharedArray_ReadsOnlyItsEntries()
    {
        KeyValuePair<string, long>[] shared = [new("ESTABLISHED", 9), new("CLOSE", 1), new("ESTABLISHED", 40), new("SYN_RECV", 2), new("TIME_WAIT", 8)];

        var counts = StateCounts.Slice(shared, 1, 3);

        Assert.Equal(["CLOSE", "ESTABLISHED", "SYN_RECV"], counts.Keys);
        Assert.Equal((40L, 43L, 3), (counts["ESTABLISHED"], counts.Total(), counts.Count));
        Assert.False(counts.ContainsKey("TIME_WAIT"));
        Assert.Equal([1L, 40, 2], counts.Select(c => c.Value));
        Assert.Equal("""{"CLOSE":1,"ESTABLISHED":40,"SYN_RECV":2}""", JsonSerializer.Serialize(counts, TypeInfo));
    }

    [Fact]
    public void Slice_Changed_BecomesItsOwnCopyAndTheSharedArrayStaysAsItWas()
    {
        KeyValuePair<string, long>[] shared = [new("CLOSE", 1), new("SYN_RECV", 2), new("ESTABLISHED", 7)];
        var before = shared.ToArray();
        var counts = StateCounts.Slice(shared, 0, 2);

        counts.Increase("SYN_RECV", 5);
        counts["ESTABLISHED"] = 3;

        Assert.Equal(before, shared);
        Assert.Equal([new("CLOSE", 1L), new("ESTABLISHED", 3L), new("SYN_RECV", 7L)], counts.ToArray());
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(2, 2)]
    [InlineData(0, 4)]
    public void Slice_OutsideTheArray_Refused(int offset, int count)
    {
        KeyValuePair<string, long>[] shared = [new("CLOSE", 1), new("SYN_RECV", 2), new("TIME_WAIT", 7)];

        Assert.Throws<ArgumentOutOfRangeException>(() => StateCounts.Slice(shared, offset, count));
    }

    [Fact]
    public void Json_RoundTrip_SameObjectTextAsBefore()
    {
        const string json = """{"ESTABLISHED":12,"SYN_RECV":3,"WEIRD":1}""";

        var counts = Read(json);

        Assert.Equal(json, JsonSerializer.Serialize(counts, TypeInfo));
    }

    [Fact]
    public void Deserialize_KnownStateNames_SharedBetweenRowsUnknownNamesKeptVerbatim()
    {
        const string json = """
            {"destinations":[
              {"destination":"10.1.26.139:10051","byState":{"SYN_RECV":1,"SYN_REVV":2}},
              {"destination":"10.1.26.140:10051","byState":{"SYN_RECV":4,"SYN_REVV":5}}]}
            """;

        var summary = JsonSerializer.Deserialize(json, DashboardJsonContext.Default.IpvsConnectionSummary)!;

        var first = summary.Destinations[0].ByState.Entries;
        var second = summary.Destinations[1].ByState.Entries;
        Assert.Equal(("SYN_RECV", "SYN_REVV"), (first[0].Key, first[1].Key));
        Assert.Same(first[0].Key, second[0].Key);
        Assert.NotSame(first[1].Key, second[1].Key);
        Assert.Equal((1L, 2L, 4L, 5L), (first[0].Value, first[1].Value, second[0].Value, second[1].Value));
    }

    [Fact]
    public void Deserialize_NameGivenTwice_LastCountWinsAsInADictionary()
    {
        var counts = Read("""{"SYN_RECV":1,"CLOSE":9,"SYN_RECV":3}""");

        Assert.Equal(["CLOSE", "SYN_RECV"], counts.Keys);
        Assert.Equal(3, counts["SYN_RECV"]);
    }

    [Fact]
    public void Deserialize_EscapedKnownName_ReadAsTheSameName()
    {
        var counts = Read("""{"SYN\u005FRECV":2}""");

        Assert.Equal(2, counts["SYN_RECV"]);
    }

    [Theory]
    [InlineData("""{"SYN_RECV":"3"}""", "SYN_RECV")]
    [InlineData("""{"SYN_RECV":1.5}""", "SYN_RECV")]
    [InlineData("""{"SYN_RECV":99999999999999999999}""", "SYN_RECV")]
    [InlineData("""{"SYN_RECV":null}""", "SYN_RECV")]
    [InlineData("""["SYN_RECV",3]""", "object")]
    public void Deserialize_NotAWholeNumberCount_JsonErrorWithThePathAndTheState(string byState, string named)
    {
        var batch = """{"host":"lvs-01","sequence":1,"ipvs":{"connections":{"destinations":[{"byState":""" + byState + "}]}}}";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(batch, DashboardJsonContext.Default.AgentBatch));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("$.ipvs.connections.destinations[0].byState", error.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_TruncatedObject_JsonErrorNotAHang()
    {
        Assert.Throws<JsonException>(() => Read("""{"SYN_RECV":1,"CLOSE":"""));
    }

    [Fact]
    public void Deserialize_HundredThousandDistinctNames_AllKeptInOrder()
    {
        var names = Enumerable.Range(0, 100_000).Select(i => $"S{i:D6}").Reverse().ToList();
        var json = "{" + string.Join(',', names.Select((n, i) => $"\"{n}\":{i}")) + "}";

        var counts = Read(json);

        Assert.Equal(100_000, counts.Count);
        Assert.Equal(names.Order(StringComparer.Ordinal), counts.Keys);
        Assert.Equal(99_999, counts["S000000"]);
    }

    private static JsonTypeInfo TypeInfo => DashboardJsonContext.Default.GetTypeInfo(typeof(StateCounts))!;

    private static StateCounts Read(string json) => (StateCounts)JsonSerializer.Deserialize(json, TypeInfo)!;
}
