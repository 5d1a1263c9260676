using Dashboard.Core.Nsx;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Nsx;

public sealed class NsxDvfilterParserTests
{
    // The excerpt of the NSX-T 3.0 administration guide (DFW datapath troubleshooting), tokens verbatim.
    private const string DocumentedLayout = """
        world 1371516 vmm0:PROD-MRS-DB-01 vcUuid:'50 20 92 e1 11 b7 10 d3-56 c5 e0 da 46 87 b5 d2'
         port 67108881 PROD-MRS-DB-01.eth0
          vNic slot 2
           name: nic-1371516-eth0-vmware-sfw.2
        """;

    [Fact]
    public void Parse_DocumentedLayout_ReadsWorldVmPortSlotAndFilter()
    {
        var outcome = NsxDvfilterParser.Parse(TestText.Stream(DocumentedLayout));

        Assert.Empty(outcome.Diagnostics);
        var filter = Assert.Single(outcome.Value.Filters);
        Assert.Equal(
            ("nic-1371516-eth0-vmware-sfw.2", 1371516L, "PROD-MRS-DB-01", 67108881L, "PROD-MRS-DB-01.eth0", 0, 2),
            (filter.Name, filter.WorldId!.Value, filter.VmName, filter.PortId!.Value, filter.PortName, filter.VnicIndex!.Value, filter.Slot!.Value));
        Assert.Empty(filter.Counters);
    }

    [Fact]
    public void Issue24_RealCaptureWithDvPortSlots_ParsesWithoutWarnings()
    {
        // A whole summarize-dvfilter of an ESXi 6 host with NSX 6.2 (SOURCES.md): dvPort slot blocks hold switch-port
        // filters (dvfilter-generic-vmware), vNic slot blocks the ESXi firewall, switch security and the DFW.
        // Expected, counted independently: grep -c 'name: nic-.*-vmware-sfw\.' → 1; grep -c 'dvPort slot' → 2.
        using var input = TestText.Fixture("sio4-sio4.github.com__summarize-dvfilter_ESXi-NSX-6.2.txt");

        var outcome = NsxDvfilterParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        var filter = Assert.Single(outcome.Value.Filters);
        Assert.Equal(
            ("nic-36445-eth0-vmware-sfw.2", 36445L, "AW1", 50331654L, "AW1.eth0", 0, 2),
            (filter.Name, filter.WorldId!.Value, filter.VmName, filter.PortId!.Value, filter.PortName, filter.VnicIndex!.Value, filter.Slot!.Value));
    }

    [Fact]
    public void Issue24_DvPortSlotWithoutNumber_WarnsWithLine()
    {
        var outcome = NsxDvfilterParser.Parse(TestText.Stream(" port 50331654 AW1.eth0\n  dvPort slot x\n"));

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((2L, "slot"), (warning.Line, warning.Field));
    }

    [Fact]
    public void Parse_DocumentedLayoutJoinedWithFilterStats_MatchesByFilterName()
    {
        var dvfilters = NsxDvfilterParser.Parse(TestText.Stream(DocumentedLayout)).Value.Filters;
        var stats = NsxFilterStatParser.Parse(TestText.Stream(NsxFilterStatParserTests.DocumentedLayout)).Value.Filters;

        var joined = dvfilters.Join(stats, d => d.Name, s => s.Name, (d, s) => (d.VmName, StateMismatch: s.Counters[NsxReasonName.StateMismatch]));

        Assert.Equal([("PROD-MRS-DB-01", 1870UL)], joined);
    }

    [Fact]
    public void Parse_DocumentedLayoutWithOtherFiltersAndAttributes_KeepsOnlyDfwFilters()
    {
        var text = "world 0 <no world>\n port 33554439 vmk0\n  vNic slot 0\n   name: nic-0-eth4294967295-ESXi-Firewall.0\n   agentName: ESXi-Firewall\n"
            + DocumentedLayout + "\n   agentName: vmware-sfw\n   failurePolicy: failClosed\n";

        var outcome = NsxDvfilterParser.Parse(TestText.Stream(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(["nic-1371516-eth0-vmware-sfw.2"], outcome.Value.Filters.Select(f => f.Name));
    }

    [Fact]
    public void Parse_FilterUnderAnotherWorld_WarnsWithLine()
    {
        var text = DocumentedLayout.Replace("world 1371516", "world 99", StringComparison.Ordinal);

        var outcome = NsxDvfilterParser.Parse(TestText.Stream(text));

        Assert.Equal((4L, "world"), (outcome.Diagnostics.Single().Line, outcome.Diagnostics.Single().Field));
        Assert.Equal(1371516L, outcome.Value.Filters.Single().WorldId);
    }

    [Fact]
    public void Parse_MutatedDocumentedLayout_NeverThrowsAndReportsRealLines()
    {
        foreach (var (name, bytes) in new InputMutator(3).Catalogue(System.Text.Encoding.UTF8.GetBytes(DocumentedLayout)))
        {
            ParserContract.Holds(NsxDvfilterParser.Parse, bytes, name, v => v.Warnings);
        }
    }
}
