using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class IpvsConnectionSummaryJsonTests
{
    [Fact]
    public void Serialize_SeedNeutronSummary_DesignShapeWithCamelCaseKeys()
    {
        const string seed = """
            IPVS connection entries
            pro expire state source virtual destination
            TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:10051 10.1.26.139:10051
            TCP 01:57 SYN_REVV 10.0.19.92:37359 10.1.26.252:10051 10.1.26.139:10051
            """;
        var summary = IpvsadmConnectionParser.Parse(Text(seed)).Value;

        var json = IpvsConnectionJson.Serialize(summary);

        const string expected = """
            {"connections":2,"templates":0,"byState":{"SYN_RECV":1,"SYN_REVV":1},
            "destinations":[{"protocol":"TCP","virtual":"10.1.26.252:10051","destination":"10.1.26.139:10051","byState":{"SYN_RECV":1,"SYN_REVV":1},"templates":0}],
            "topSynRecvSources":[{"protocol":"TCP","virtual":"10.1.26.252:10051","client":"10.0.19.92","connections":1,"overcount":0}],
            "namesNotNumeric":false,"syncedEntries":null,"firewallMarkTemplates":0,"invalidatedTemplates":0,
            "warnings":[{"line":4,"field":"state","message":"unknown state name, counted verbatim: SYN_REVV","severity":"Warning"}]}
            """;
        Assert.Equal(expected.ReplaceLineEndings(""), json);
    }

    [Fact]
    public void Deserialize_DesignExample_ReadsIntoSummary()
    {
        const string design = """
            {"connections": 3, "templates": 1, "byState": {"SYN_RECV": 3},
             "destinations": [{"protocol": "TCP", "virtual": "10.1.26.252:10051", "destination": "10.1.26.139:10051", "byState": {"SYN_RECV": 3}}],
             "warnings": []}
            """;

        var summary = JsonSerializer.Deserialize(design, DashboardJsonContext.Default.IpvsConnectionSummary)!;

        Assert.Equal((3L, 1L, 3L), (summary.Connections, summary.Templates, summary.ByState["SYN_RECV"]));
        Assert.Equal("10.1.26.139:10051", Assert.Single(summary.Destinations).Destination);
    }
}
