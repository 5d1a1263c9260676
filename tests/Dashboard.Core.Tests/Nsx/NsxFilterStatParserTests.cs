using Dashboard.Core.Nsx;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Nsx;

/// <summary>
/// No real `vsipioctl getfilterstat` capture is public: these inputs follow only the layout KB 301324 documents
/// (key : value lines, the header fields it names, pass/drop always, other reasons only when non-zero).
/// </summary>
public sealed class NsxFilterStatParserTests
{
    internal const string DocumentedLayout = """
        nic-1371516-eth0-vmware-sfw.2
          mac : 00:50:56:a0:5e:1c
          FW algorithm : FP2
          sessions : 12
          flags : 0x404
          states : 3
          rules : 7
          table count : 0
          filter version : 1000
          ruleset gen : 0
          hash : 0x3e5c
          last purge : 0
          pass : 583221
          drop : 1876
          State-mismatch : 1870
          Match : 6
        """;

    private static ParseOutcome<NsxFirewallStats> Parse(string text, string? filter = null) =>
        NsxFilterStatParser.Parse(TestText.Stream(text), filter);

    [Fact]
    public void Parse_DocumentedLayout_ReadsHeaderAndReasonCounters()
    {
        var outcome = Parse(DocumentedLayout);

        Assert.Empty(outcome.Diagnostics);
        var filter = Assert.Single(outcome.Value.Filters);
        Assert.Equal(("nic-1371516-eth0-vmware-sfw.2", 1371516L, 0, 2), (filter.Name, filter.WorldId!.Value, filter.VnicIndex!.Value, filter.Slot!.Value));
        Assert.Equal("00:50:56:a0:5e:1c", filter.Mac);
        Assert.Equal(("FP2", "0x404", "12"), (filter.Header["fw-algorithm"], filter.Header["flags"], filter.Header["sessions"]));
        Assert.Equal(10, filter.Header.Count);
        Assert.Equal(
            [("drop", 1876UL), ("match", 6UL), ("pass", 583221UL), ("state-mismatch", 1870UL)],
            filter.Counters.Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public void Parse_DocumentedLayoutZeroReasonsOmitted_HasOnlyPassAndDrop()
    {
        var filter = Parse("nic-1371516-eth0-vmware-sfw.2\n pass : 10\n drop : 0\n").Value.Filters.Single();

        Assert.Equal(["drop", "pass"], filter.Counters.Keys);
    }

    [Theory]
    [InlineData("State-mismatch")]
    [InlineData("state mismatch")]
    [InlineData("STATE_MISMATCH")]
    [InlineData("  State - mismatch ")]
    public void Parse_DocumentedLayoutReasonSpellings_NormalizeToKebab(string key)
    {
        var filter = Parse($"nic-1-eth0-vmware-sfw.2\n{key} : 5\n").Value.Filters.Single();

        Assert.Equal(5UL, filter.Counters[NsxReasonName.StateMismatch]);
    }

    [Fact]
    public void Parse_DocumentedLayoutSeveralFilters_SplitsOnEachFilterName()
    {
        var text = DocumentedLayout + "\nname: nic-1371520-eth1-vmware-sfw.2\n pass : 5\n drop : 1\n";

        var filters = Parse(text).Value.Filters;

        Assert.Equal([("nic-1371516-eth0-vmware-sfw.2", 1876UL), ("nic-1371520-eth1-vmware-sfw.2", 1UL)], filters.Select(f => (f.Name, f.Counters["drop"])));
        Assert.Equal(1, filters[1].VnicIndex);
    }

    [Fact]
    public void Parse_DocumentedLayoutWithoutNameLine_UsesTheGivenFilterName()
    {
        var outcome = Parse(" pass : 1\n drop : 2\n", "nic-42-eth0-vmware-sfw.2");

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal((42L, 2UL), (outcome.Value.Filters.Single().WorldId!.Value, outcome.Value.Filters.Single().Counters["drop"]));
    }

    [Fact]
    public void Parse_DocumentedLayoutWithoutAnyName_WarnsAndKeepsAnUnnamedFilter()
    {
        var outcome = Parse(" pass : 1\n");

        Assert.Equal((1L, "filter"), (outcome.Diagnostics.Single().Line, outcome.Diagnostics.Single().Field));
        Assert.Equal("", outcome.Value.Filters.Single().Name);
    }

    [Fact]
    public void Parse_BadValuesAndUnknownLines_WarnWithLineAndKeepTheRest()
    {
        var outcome = Parse("nic-1-eth0-vmware-sfw.2\n pass : lots\n drop : -3\n this is not a counter line\n State-mismatch : 18446744073709551615\n");

        Assert.Equal([(2L, "pass"), (3L, "drop"), (4L, (string?)null)], outcome.Diagnostics.Select(d => (d.Line, d.Field)));
        var filter = outcome.Value.Filters.Single();
        Assert.Equal(("lots", "-3"), (filter.Header["pass"], filter.Header["drop"]));
        Assert.Equal(ulong.MaxValue, filter.Counters["state-mismatch"]);
    }

    [Fact]
    public void Parse_MutatedDocumentedLayout_NeverThrowsAndReportsRealLines()
    {
        foreach (var (name, bytes) in new InputMutator(301324).Catalogue(System.Text.Encoding.UTF8.GetBytes(DocumentedLayout)))
        {
            ParserContract.Holds(s => NsxFilterStatParser.Parse(s), bytes, name, v => v.Warnings);
        }
    }
}
