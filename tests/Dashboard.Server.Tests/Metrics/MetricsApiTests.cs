using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Metrics;

public sealed partial class MetricsApiTests
{
    [Fact]
    public async Task Metrics_ByRole_ReaderAndUpReadAgentTokensAndStrangersAreRefused()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync();

        // Act
        using var anonymous = server.CreateClient();
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));
        using var wrong = server.CreateClient("not-a-token");
        var asAnonymous = await anonymous.GetAsync("metrics");
        var asAgent = await agent.GetAsync("metrics");
        var asReader = await reader.GetAsync("metrics");
        var asWrong = await wrong.GetAsync("metrics");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, asAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asAgent.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asWrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asReader.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", asReader.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE lvs_dashboard_ingest_duration_seconds histogram", await asReader.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenListener_ServesMetricsOnlyAndWithoutToken()
    {
        // Arrange
        var port = FreePort.Next();
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Metrics:Address=127.0.0.1", $"--Dashboard:Metrics:Port={port}"]);
        using var open = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        // Act
        var metrics = await open.GetAsync("metrics");
        var api = await open.GetAsync("api/v1/vips");

        // Assert
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("lvs_dashboard_metrics_live_series", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    [Fact]
    public async Task Metrics_FullPage_PassesPromtoolsLint()
    {
        // Arrange: every family with samples in it.
        await using var server = await RunningDashboard.StartAsync();
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var hypervisor = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor));
        using var nsx = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Nsx));
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(director, MetricsBatches.Director("lvs-a", 1, at, 7, 3))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-1", 1, at, 10))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(nsx, MetricsBatches.Nsx("esxi-1", 1, at, 17, 12))).StatusCode);
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));
        var page = await reader.GetStringAsync("metrics");

        // Act: Prometheus' own linter (naming, units, _total counters, HELP present).
        var start = new ProcessStartInfo("/usr/bin/promtool", "check metrics")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var promtool = Process.Start(start)!;
        await promtool.StandardInput.WriteAsync(page);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync(TestTimeout.Token());

        // Assert
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: exit {promtool.ExitCode}\n{output}\n--- page ---\n{page}");
        foreach (var family in new[] { "real_server_connections", "real_server_syn_recv_ratio", "neutron_rule_packets_total", "nsx_filter_packets_total",
                     "findings_active", "ingest_duration_seconds_bucket", "partition_size_bytes", "database_pool_max_connections" })
        {
            Assert.Matches(new Regex($"^lvs_dashboard_{family}[{{ ]", RegexOptions.Multiline), page);
        }
    }

    [Fact]
    public async Task Metrics_MoreSeriesThanTheCap_WholeRealServersUpToTheCapAndTheRestCountedAsDropped()
    {
        // Arrange: 60 real servers of 4 series each (SYN_RECV, ESTABLISHED, ratio, templates) plus weight, ActiveConn, InActConn.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Metrics:MaxSeries=100"]);
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(director, MetricsBatches.WideDirector("wide", 60, DateTimeOffset.UtcNow))).StatusCode);
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));

        // Act
        var first = await reader.GetStringAsync("metrics");
        var second = await reader.GetStringAsync("metrics");

        // Assert: 2 host series, 4 VIP series, then 13 real servers of 7 series fit in 100; 47 x 7 are dropped per scrape.
        Assert.Equal(97, Value(first, "lvs_dashboard_metrics_live_series"));
        Assert.Equal(47 * 7, Value(first, "lvs_dashboard_metrics_dropped_series_total"));
        Assert.Equal(2 * 47 * 7, Value(second, "lvs_dashboard_metrics_dropped_series_total"));
        var ratios = Regex.Matches(first, "^lvs_dashboard_real_server_syn_recv_ratio\\{.*real_server=\"([^\"]+)\"", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var weights = Regex.Matches(first, "^lvs_dashboard_real_server_weight\\{.*real_server=\"([^\"]+)\"", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(13, ratios.Count);
        Assert.Equal(ratios, weights);
        Assert.Equal(100, Value(first, "lvs_dashboard_metrics_max_series"));
    }

    [Fact]
    public async Task Metrics_DrForwardDropOpen_FindingsGaugeCountsItAndZeroForTheOtherKinds()
    {
        // Arrange: the seed incident of DiagnosisServiceTests, without hold times.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Diagnosis:For=00:00:00", "--Dashboard:Diagnosis:ResolveAfter=00:00:00"]);
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var hypervisor = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor));
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));
        var t = DateTimeOffset.UtcNow.AddMinutes(-1);
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 1, t, 1000));
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 2, t.AddSeconds(10), 1600));
        await RunningDashboard.PushAsync(director, TestBatches.Director("lvs-a", 1, t.AddSeconds(10), synRecv: 60, established: 2));
        var diagnosis = server.Services.GetRequiredService<Dashboard.Server.Diagnosis.DiagnosisService>();
        await diagnosis.EvaluateAsync(TestTimeout.Token());

        // Act
        var page = await reader.GetStringAsync("metrics");

        // Assert: each kind's value is the number of open findings of that kind.
        Assert.Contains(diagnosis.Open, f => f.Latest.Kind == "dr-forward-drop");
        foreach (var kind in Dashboard.Core.Diagnosis.FindingKinds.All)
        {
            Assert.Equal(diagnosis.Open.Count(f => f.Latest.Kind == kind), Value(page, $"lvs_dashboard_findings_active\\{{kind=\"{kind}\"\\}}"));
        }
    }

    private static double Value(string page, string name) =>
        double.Parse(Regex.Match(page, $"^{name} (\\S+)$", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
}
