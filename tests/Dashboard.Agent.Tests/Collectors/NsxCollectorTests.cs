using System.Net;
using System.Text;
using Dashboard.Agent.Collectors;
using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Core.Batches;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class NsxCollectorTests : IAsyncLifetime, IDisposable
{
    private const string StatisticsPath = "/policy/api/v1/infra/domains/default/security-policies/lvs/statistics";

    // The Policy API's SecurityPolicyStatistics shape, with counts as newer NSX versions send them.
    private const string StatisticsJson = """
        { "internal_section_id": "1001", "result_count": 1,
          "results": [ { "rule": "/infra/domains/default/security-policies/lvs/rules/allow-vip", "internal_rule_id": "3",
                         "packet_count": 120, "byte_count": 9600, "hit_count": 40, "session_count": 2 } ] }
        """;

    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();
    private readonly HttpClient _http = AgentHttp.CreateClient();
    private WebApplication _api = null!;
    private string? _authorization;
    private int _status = 200;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _api = builder.Build();
        _api.MapGet(StatisticsPath, (HttpContext context) =>
        {
            _authorization = context.Request.Headers.Authorization;
            return _status == 200 ? Results.Text(StatisticsJson, "application/json") : Results.StatusCode(_status);
        });
        await _api.StartAsync();
    }

    [Fact]
    public async Task CollectAsync_ApiUrl_AuthenticatesWithThePasswordFile()
    {
        // Arrange
        var collector = ApiCollector("s3cret\n");

        // Act: through a cycle, which turns any failure into a logged problem.
        await new CollectionCycle([collector], "esxi-01", TimeSpan.FromSeconds(10), TimeProvider.System, _log.Log).CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("dashboard-ro:s3cret")), _authorization);
    }

    [Fact]
    public async Task CollectAsync_ApiStatistics_RuleCountersInTheBatch()
    {
        // Arrange
        var collector = ApiCollector("s3cret");

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        var batch = new AgentBatch();
        result.AddTo(batch);
        var rule = Assert.Single(batch.Nsx!.Rules);
        Assert.Equal((120UL, 9600UL, 40UL), (rule.Packets, rule.Bytes, rule.Hits));
    }

    [Fact]
    public async Task CollectAsync_ApiAnswers503_FailedWithTheStatus()
    {
        // Arrange
        _status = 503;
        var collector = ApiCollector("s3cret");

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Failed, result.Status);
        Assert.Contains("HTTP 503", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_CommandNotInstalled_NoData()
    {
        // Arrange
        var options = new NsxCollectorOptions { Enabled = true, Command = "/nonexistent/ssh esxi-01 vsipioctl getfilterstat -f nic-1-eth0-vmware-sfw.2" };
        var collector = new NsxCollector(options, new ProcessCommandRunner(), _http, _log.Log, TimeSpan.FromSeconds(10));

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.NoData, result.Status);
    }

    [Fact]
    public async Task CollectAsync_CommandFails_FailedWithItsError()
    {
        // Arrange
        var options = new NsxCollectorOptions { Enabled = true, Command = "sh -c 'echo \"vsipioctl: filter not found\" >&2; exit 1'" };
        var collector = new NsxCollector(options, new ProcessCommandRunner(), _http, _log.Log, TimeSpan.FromSeconds(10));

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Failed, result.Status);
        Assert.Contains("vsipioctl: filter not found", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    private NsxCollector ApiCollector(string password)
    {
        var url = new Uri(new Uri(_api.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), StatisticsPath);
        var options = new NsxCollectorOptions
        {
            Enabled = true, ApiUrl = url, User = "dashboard-ro", PasswordFile = _directory.WriteFile("nsx-password", password),
        };
        return new NsxCollector(options, new ProcessCommandRunner(), _http, _log.Log, TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _directory.Dispose();
    }
}
