using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

public sealed class RawIngestTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    /// <summary>The director's `ipvsadm -lnc` as quoted in the Neutron incident write-up, typo included.</summary>
    private const string SeedConnections = """
        IPVS connection entries
        pro expire state source virtual destination
        TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:10051 10.1.26.139:10051
        TCP 01:57 SYN_REVV 10.0.19.92:37359 10.1.26.252:10051 10.1.26.139:10051

        """;

    [Fact]
    public async Task RawUpload_SeedIpvsadmLnc_ShowsInVipsWithItsStateCountsAndTheTypoWarned()
    {
        // Arrange
        var server = fixture.Server;
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));

        // Act
        var upload = await director.PostAsync("api/v1/ingest/raw/ipvsadm-conn?host=lvs-seed", new StringContent(SeedConnections, Encoding.UTF8, "text/plain"));
        var vips = await reader.GetFromJsonAsync<JsonElement>("api/v1/vips?director=lvs-seed");

        // Assert
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var summary = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("stored", summary.GetProperty("status").GetString());
        Assert.Contains(summary.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("line").GetInt64() == 4 && w.GetProperty("reason").GetString()!.Contains("SYN_REVV"));
        var vip = Assert.Single(vips.EnumerateArray());
        Assert.Equal("10.1.26.252:10051", vip.GetProperty("virtual").GetString());
        var rs = Assert.Single(vip.GetProperty("realServers").EnumerateArray());
        Assert.Equal("10.1.26.139:10051", rs.GetProperty("address").GetString());
        Assert.Equal(1, rs.GetProperty("byState").GetProperty("SYN_RECV").GetInt64());
        Assert.Equal(1, rs.GetProperty("byState").GetProperty("SYN_REVV").GetInt64());
        Assert.Equal(0.5, rs.GetProperty("synRecvRatio").GetDouble(), 3);
    }

    [Fact]
    public async Task RawUpload_NothingUsable_400WithLineAndNothingStored()
    {
        var server = fixture.Server;
        using var hypervisor = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor));

        var response = await hypervisor.PostAsync("api/v1/ingest/raw/iptables-save?host=compute-bad", new StringContent("this is not\niptables output\n", Encoding.UTF8, "text/plain"));
        var hosts = await server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader)).GetFromJsonAsync<JsonElement>("api/v1/hosts");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("line").GetInt64() >= 1);
        Assert.DoesNotContain(hosts.EnumerateArray(), h => h.GetProperty("name").GetString() == "compute-bad");
    }

    [Fact]
    public async Task RawUpload_UnknownFormat_404ListingTheKnownOnes()
    {
        var server = fixture.Server;
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));

        var response = await director.PostAsync("api/v1/ingest/raw/ipvsadm-xyz?host=x", new StringContent("", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("ipvsadm-conn", await response.Content.ReadAsStringAsync());
    }
}
