using System.Text;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

// Samples follow the kernel's printf formats: no public /proc/net/ip_vs_conn capture exists.
public sealed class ProcIpVsConnParserFuzzTests
{
    private static readonly string s_sample = ProcConnTitle
        + ProcConnRow("TCP", Ipv4("10.0.19.92"), 37358, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "SYN_RECV", 57)
        + ProcConnRow("TCP", Ipv4("10.0.19.92"), 37359, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "ESTABLISHED", 899)
        + ProcConnRow("TCP", Ipv4("10.0.19.92"), 0, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "NONE", 359)
        + ProcConnRow("UDP", Ipv4("10.0.19.93"), 5060, Ipv4("10.1.26.252"), 5060, Ipv4("10.1.26.140"), 5060, "UDP", 299, " sip a84b4c76e66710")
        + "TCP 2001:0db8:0000:0000:0000:0000:0000:0010 C350 2620:0000:0000:0000:0000:0000:0000:0001 0050 2620:0000:0000:0000:0000:0000:0000:0002 0050 FIN_WAIT         60\n";

    private static readonly string s_syncSample = ProcConnSyncTitle
        + $"TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B 2743 {"ESTABLISHED",-11} {"SYNC",-6} {899,7}\n"
        + $"TCP 0A00135C 0000 0A011AFC 2743 0A011A8B 2743 {"NONE",-11} {"LOCAL",-6} {299,7}\n";

    [Fact]
    public void Parse_MutatedDocumentedLayoutSamples_NeverThrowAndDiagnosticsCarryLines()
    {
        ParserContract.HoldsOnMutatedSamples(ProcIpVsConnParser.Parse, [Encoding.UTF8.GetBytes(s_sample), Encoding.UTF8.GetBytes(s_syncSample)], seed: 11, v => v.Warnings, ContractLimits.ConnectionTable);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrow()
    {
        ParserContract.HoldsOnRandomBytes(ProcIpVsConnParser.Parse, seed: 12, v => v.Warnings, ContractLimits.ConnectionTable);
    }

    [Fact]
    public void Parse_GarbageBetweenDocumentedLayoutLines_EveryGoodLineCounted()
    {
        var mixed = new InputMutator(13).Interleave(s_sample, 300);

        var outcome = ParserContract.Holds(ProcIpVsConnParser.Parse, Encoding.UTF8.GetBytes(mixed), "mixed", v => v.Warnings, ContractLimits.ConnectionTable);

        Assert.Equal((4L, 1L), (outcome.Value.Connections, outcome.Value.Templates));
        Assert.Equal(6, outcome.UsableLines);
        Assert.Equal(300, ParserContract.RejectedLines(outcome));
    }

    [Fact]
    public void Parse_TenMegabyteLineInDocumentedLayout_SkippedAndRestCounted()
    {
        var outcome = ParserContract.HoldsWithTenMegabyteLine(ProcIpVsConnParser.Parse, s_sample, v => v.Warnings, ContractLimits.ConnectionTable);

        Assert.Equal((4L, 1L), (outcome.Value.Connections, outcome.Value.Templates));
    }

    [Fact]
    public void Parse_DocumentedLayoutManyDistinctUnknownStates_WarningsCappedAndTableBounded()
    {
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => ProcConnRow("TCP", (uint)i, 1, 2, 3, 4, 5, $"S{i}", 6)));
        var options = new IpvsConnectionParseOptions { MaxDistinctNames = 1000 };

        var outcome = ParserContract.Holds(input => ProcIpVsConnParser.Parse(input, options), Encoding.UTF8.GetBytes(text), "text", v => v.Warnings, ContractLimits.ConnectionTable);

        Assert.True(outcome.Value.ByState.Count <= 1000);
        Assert.True(outcome.Diagnostics.Count <= 2 * 101);
        Assert.Contains(outcome.Diagnostics, d => d.Reason.EndsWith("more warnings: unknown state name, counted verbatim"));
        Assert.Contains(outcome.Diagnostics, d => d.Reason.EndsWith("more lines rejected: too many distinct names, row rejected"));
    }
}
