using System.Text;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;
namespace Dashboard.Core.Tests.Ipvs;

public sealed class IpvsConnectionSummaryJsonWriterTests
{
    private static readonly string s_procSync = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires PEName PEData\n"
        + "TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B 2743 SYN_RECV    LOCAL       57\n"
        + "TCP 0A00135D 91EF 0A011AFC 2743 0A011A8B 2743 ESTABLISHED SYNC       899\n"
        + "TCP 0A00135D 91EF 0A011AFC 2743 0A011A8B 2743 ESTABLISHED ELSEWHERE  899\n";

    public static TheoryData<string> Samples => new() { "ipvsadm", "proc-sync" };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_MutatedSamples_SameBytesAsTheSerializer(string sample)
    {
        // Arrange
        var (text, parse) = sample == "ipvsadm"
            ? (IpvsadmConnectionParserFuzzTests.Sample, (Func<Stream, ParseOutcome<IpvsConnectionSummary>>)IpvsadmConnectionParser.Parse)
            : (s_procSync, ProcIpVsConnParser.Parse);

        foreach (var (name, bytes) in new InputMutator(8).Catalogue(Encoding.UTF8.GetBytes(text)))
        {
            // Act
            var summary = ParserContract.Holds(parse, bytes, $"{sample}/{name}", v => v.Warnings, ContractLimits.ConnectionTable).Value;

            // Assert
            Assert.True(Serialized(summary) == Written(summary), $"{sample}/{name}");
        }
    }

    [Fact]
    public void Write_SummaryWithEscapedTextAndNulls_SameBytesAsTheSerializer()
    {
        // Arrange
        var summary = new IpvsConnectionSummary
        {
            Connections = long.MaxValue,
            Templates = -1,
            NamesNotNumeric = true,
            SyncedEntries = 3,
            Destinations =
            [
                new() { Protocol = "TCP", Virtual = "<vip>&\"'", Destination = "\u00e9\u4e2d\ud83d\ude00\t\u0001", Templates = 2 },
                new() { Protocol = null!, Virtual = "", Destination = "x", ByState = null! },
            ],
            TopSynRecvSources = [new() { Protocol = "UDP", Virtual = "+", Client = "a\\b", Connections = 5, Overcount = 4 }],
            Warnings = [new() { Line = 7, Field = null, Message = "bad \"row\"", Severity = DiagnosticSeverity.Error }, new() { Line = 1, Field = "state", Message = "", Severity = (DiagnosticSeverity)7 }],
        };
        summary.ByState.Increase("SYN_RECV", 1);
        summary.ByState.Increase("<odd>", 2);
        summary.Destinations[0].ByState.Increase("ESTABLISHED", 9);

        // Act
        var written = Written(summary);

        // Assert
        Assert.Equal(Serialized(summary), written);
        Assert.Equal(Serialized(new IpvsConnectionSummary { Destinations = null!, TopSynRecvSources = null!, Warnings = null! }),
            Written(new IpvsConnectionSummary { Destinations = null!, TopSynRecvSources = null!, Warnings = null! }));
    }

    private static string Serialized(IpvsConnectionSummary summary) =>
        JsonSerializer.Serialize(summary, DashboardJsonContext.Default.IpvsConnectionSummary);

    private static string Written(IpvsConnectionSummary summary)
    {
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            IpvsConnectionSummaryJsonWriter.Write(writer, summary);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
