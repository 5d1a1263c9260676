using System.Net;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Metrics;

/// <summary>
/// The real Prometheus from Debian scrapes a running server, once with a reader token from a credentials file and once
/// on the unauthenticated listener; what its query API answers must be what the agents pushed through the ingest API.
/// </summary>
public sealed class MetricsPrometheusTests
{
    [Fact]
    public async Task RealPrometheus_ScrapesWithTokenAndOnOpenListener_SeriesEqualWhatWasPushed()
    {
        // Arrange: a server with the open listener, fed through the real ingest API.
        var openPort = FreePort.Next();
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Metrics:Address=127.0.0.1", $"--Dashboard:Metrics:Port={openPort}"]);
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        using (var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director)))
        {
            Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(director, MetricsBatches.Director("lvs-a", 1, at, synRecv: 7, established: 3))).StatusCode);
        }

        using var hypervisor = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor));
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-1", 1, at, antiSpoofPackets: 4242))).StatusCode);
        using (var nsx = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Nsx)))
        {
            Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(nsx, MetricsBatches.Nsx("esxi-1", 1, at, drop: 17, stateMismatch: 12))).StatusCode);
        }

        var main = $"{server.BaseAddress.Host}:{server.BaseAddress.Port}";

        // Act
        await using var prometheus = await PrometheusServer.StartAsync(
            new PrometheusServer.Job("dashboard", main, await server.CreateTokenAsync(KnownRoles.Reader)),
            new PrometheusServer.Job("dashboard_open", $"127.0.0.1:{openPort}"),
            new PrometheusServer.Job("dashboard_no_token", main));

        // Assert: both scrapes work, the one without a token is refused.
        await prometheus.WaitForAsync("up{job=\"dashboard\"}", v => v == 1, "1: the reader token from the credentials file is accepted");
        await prometheus.WaitForAsync("up{job=\"dashboard_open\"}", v => v == 1, "1: the open listener needs no token");
        await prometheus.WaitForAsync("up{job=\"dashboard_no_token\"}", v => v == 0, "0: /metrics refuses a scrape without a token");

        const string rs = "director=\"lvs-a\",vip=\"10.1.26.252:10051\",real_server=\"10.1.26.139:10051\"";
        await prometheus.WaitForAsync($"lvs_dashboard_real_server_connections{{job=\"dashboard\",{rs},state=\"SYN_RECV\"}}", v => v == 7, "7 SYN_RECV as pushed");
        await prometheus.WaitForAsync($"lvs_dashboard_real_server_connections{{job=\"dashboard_open\",{rs},state=\"ESTABLISHED\"}}", v => v == 3, "3 ESTABLISHED as pushed");
        await prometheus.WaitForAsync($"lvs_dashboard_real_server_syn_recv_ratio{{job=\"dashboard\",{rs}}}", v => Math.Abs(v - 0.7) < 1e-9, "7 of 10 = 0.7");
        await prometheus.WaitForAsync($"lvs_dashboard_real_server_weight{{job=\"dashboard\",{rs}}}", v => v == 100, "the table's weight 100");
        await prometheus.WaitForAsync($"lvs_dashboard_real_server_active_connections{{job=\"dashboard\",{rs}}}", v => v == 10, "ActiveConn 10");
        await prometheus.WaitForAsync($"lvs_dashboard_real_server_inactive_connections{{job=\"dashboard\",{rs}}}", v => v == 0, "InActConn 0");
        await prometheus.WaitForAsync("lvs_dashboard_vip_connections{job=\"dashboard\",director=\"lvs-a\",state=\"SYN_RECV\"}", v => v == 14, "2 real servers x 7");
        await prometheus.WaitForAsync("lvs_dashboard_vip_syn_recv_ratio{job=\"dashboard\",director=\"lvs-a\"}", v => Math.Abs(v - 14.0 / 25) < 1e-9, "14 of 25");
        await prometheus.WaitForAsync("count(lvs_dashboard_real_server_connections{job=\"dashboard\",real_server=\"10.1.26.141:10051\"})", v => v == 1,
            "the connection-only real server has its connections");
        Assert.Empty(await prometheus.QueryAsync("lvs_dashboard_real_server_weight{real_server=\"10.1.26.141:10051\"}"));
        await prometheus.WaitForAsync("lvs_dashboard_neutron_rule_packets_total{job=\"dashboard\",hypervisor=\"compute-1\",drop_kind=\"anti-spoof\",port=\"38833ad6-c\"}",
            v => v == 4242, "the pushed anti-spoof counter 4242");
        await prometheus.WaitForAsync("lvs_dashboard_neutron_rule_bytes_total{job=\"dashboard\",hypervisor=\"compute-1\",drop_kind=\"anti-spoof\"}",
            v => v == 4242 * 60, "the pushed byte counter");
        Assert.Empty(await prometheus.QueryAsync("lvs_dashboard_neutron_rule_packets_total{rule=\"allow-144\"}"));
        await prometheus.WaitForAsync("lvs_dashboard_nsx_filter_packets_total{job=\"dashboard\",hypervisor=\"esxi-1\",reason=\"state-mismatch\",vm=\"lvs-director-01\"}",
            v => v == 12, "the pushed state-mismatch counter 12");
        Assert.Empty(await prometheus.QueryAsync("lvs_dashboard_nsx_filter_packets_total{reason=\"pass\"}"));
        await prometheus.WaitForAsync("count(lvs_dashboard_findings_active{job=\"dashboard\"})", v => v == Dashboard.Core.Diagnosis.FindingKinds.All.Length,
            "one series for every known finding kind");
        await prometheus.WaitForAsync("lvs_dashboard_ingest_duration_seconds_count{job=\"dashboard\",outcome=\"stored\"}", v => v == 3, "three stored pushes");
        await prometheus.WaitForAsync("lvs_dashboard_ingest_duration_seconds_bucket{job=\"dashboard\",outcome=\"stored\",le=\"+Inf\"}", v => v == 3, "three in +Inf");
        await prometheus.WaitForAsync("lvs_dashboard_ingest_write_slots{job=\"dashboard\"}", v => v >= 1, "the write turns");
        await prometheus.WaitForAsync("lvs_dashboard_database_pool_max_connections{job=\"dashboard\"}", v => v == 40, "the pool's 40 connections");
        await prometheus.WaitForAsync("sum(lvs_dashboard_database_pool_connections{job=\"dashboard\"})", v => v >= 1, "the pool's open connections");
        await prometheus.WaitForAsync($"count(lvs_dashboard_partition_size_bytes{{job=\"dashboard\",partition=~\".*_p{DateTime.UtcNow:yyyyMMdd}\"}} > 0)", v => v >= 1,
            "today's partitions have sizes");

        // Act again: the counter grows on the hypervisor; the next scrape reads the live store again.
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-1", 2, at.AddSeconds(2), antiSpoofPackets: 4842))).StatusCode);
        await prometheus.WaitForAsync("lvs_dashboard_neutron_rule_packets_total{job=\"dashboard\",hypervisor=\"compute-1\",drop_kind=\"anti-spoof\"}",
            v => v == 4842, "the new counter 4842");
        await prometheus.WaitForAsync("lvs_dashboard_ingest_duration_seconds_count{job=\"dashboard\",outcome=\"stored\"}", v => v == 4, "four stored pushes");
    }
}
