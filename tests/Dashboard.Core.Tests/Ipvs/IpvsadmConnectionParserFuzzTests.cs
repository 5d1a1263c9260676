using System.Text;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Tests.Fuzzing;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class IpvsadmConnectionParserFuzzTests
{
    /// <summary>Seed rows of every shape the parser meets: IPv4, IPv6, names, templates, an unknown state.</summary>
    internal static readonly string Sample = IpvsadmConnTitle
        + IpvsadmConnRow("TCP", "01:57", "SYN_RECV", "10.0.19.92:37358", "10.1.26.252:10051", "10.1.26.139:10051")
        + IpvsadmConnRow("TCP", "01:57", "SYN_REVV", "10.0.19.92:37359", "10.1.26.252:10051", "10.1.26.139:10051")
        + IpvsadmConnRow("TCP", "14:59", "ESTABLISHED", "[2001:db8::10]:50000", "[2001:db8::1]:80", "[2001:db8::2]:80")
        + IpvsadmConnRow("TCP", "00:58", "NONE", "169.46.57.9:0", "169.46.7.238:0", "169.48.180.190:0")
        + IpvsadmConnRow("TCP", "00:59", "NONE", "169.46.57.9:0", "169.46.7.238:65535", "169.48.180.229:65535")
        + IpvsadmConnRow("UDP", "1440:00", "UDP", "10.0.0.5:53", "10.1.26.253:53", "10.1.26.141:53")
        + IpvsadmConnRow("TCP", "01:57", "SYN_RECV", "client.example:37358", "10.1.26.252:zabbix-trapper", "10.1.26.139:zabbix-trapper");

    [Fact]
    public void Parse_MutatedSeedAndDocumentedLayoutSamples_NeverThrowAndDiagnosticsCarryLines()
    {
        ParserContract.HoldsOnMutatedSamples(IpvsadmConnectionParser.Parse, [Encoding.UTF8.GetBytes(Sample)], seed: 1, v => v.Warnings, ContractLimits.ConnectionTable);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrow()
    {
        ParserContract.HoldsOnRandomBytes(IpvsadmConnectionParser.Parse, seed: 2, v => v.Warnings, ContractLimits.ConnectionTable);
    }

    [Fact]
    public void Parse_GarbageBetweenSeedAndDocumentedLayoutLines_EveryGoodLineCounted()
    {
        var mixed = new InputMutator(3).Interleave(Sample, 200);

        var options = new IpvsConnectionParseOptions { MaxDiagnosticsPerKind = 1000 };

        var outcome = ParserContract.Holds(input => IpvsadmConnectionParser.Parse(input, options), Encoding.UTF8.GetBytes(mixed), "mixed", v => v.Warnings, ContractLimits.ConnectionTable);

        Assert.Equal((5L, 2L), (outcome.Value.Connections, outcome.Value.Templates));
        Assert.Equal(200, outcome.Diagnostics.Count(d => d.Severity == Parsing.DiagnosticSeverity.Error));
        Assert.Equal(9, outcome.UsableLines);
    }

    [Fact]
    public void Parse_TenMegabyteLineAmongSeedAndDocumentedLayoutLines_SkippedAndRestCounted()
    {
        var outcome = ParserContract.HoldsWithTenMegabyteLine(IpvsadmConnectionParser.Parse, Sample, v => v.Warnings, ContractLimits.ConnectionTable);

        Assert.Equal((5L, 2L), (outcome.Value.Connections, outcome.Value.Templates));
    }

    [Fact]
    public void Parse_DocumentedLayoutWithExtremeValues_RejectedWithoutThrowing()
    {
        var text = IpvsadmConnRow("TCP", "18446744073709551615:59", "ESTABLISHED", "10.0.0.1:18446744073709551615", "10.1.26.252:80", "10.1.26.139:80")
            + IpvsadmConnRow("TCP", "-1:00", "ESTABLISHED", "10.0.0.1:-5", "10.1.26.252:80", "10.1.26.139:80")
            + "TCP\t01:00\tESTABLISHED\t10.0.0.1:1\t10.1.26.252:80\t10.1.26.139:80\r\n"
            + "TCP 01:00 EST\0BLISHED 10.0.0.1:1 10.1.26.252:80 10.1.26.139:80\n"
            + "TCP 01:00 ESTABLISHED\0 10.0.0.1:1 10.1.26.252:80 10.1.26.139:80\n";

        var outcome = ParserContract.Holds(IpvsadmConnectionParser.Parse, Encoding.UTF8.GetBytes(text), "text", v => v.Warnings, ContractLimits.ConnectionTable);

        // NUL counts as a blank, like the other control bytes: it splits "EST\0BLISHED" into two fields.
        Assert.Equal([1L, 2L, 4L], outcome.Diagnostics.Where(d => d.Severity == Parsing.DiagnosticSeverity.Error).Select(d => d.Line));
        Assert.Equal(2, outcome.Value.Connections);
    }
}
