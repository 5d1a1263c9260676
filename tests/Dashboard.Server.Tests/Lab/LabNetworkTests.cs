using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Server.Tests.Lab;

/// <summary>One lab per test class; its prefix keeps it apart from labs of other classes or runs.</summary>
public sealed class LabNetworkFixture : IAsyncLifetime
{
    private LabNetwork? _lab;
    private LabUnavailableException? _unavailable;

    public LabNetwork Lab =>
        _lab ?? throw new InvalidOperationException("lab not started");

    public async Task InitializeAsync()
    {
        try
        {
            _lab = await LabNetwork.StartAsync("dslab-server", CancellationToken.None);
        }
        catch (LabUnavailableException e)
        {
            // Kept so each test fails with the reason instead of the whole class vanishing.
            _unavailable = e;
        }
    }

    public LabNetwork Require()
    {
        if (_unavailable is not null)
        {
            Assert.Fail(_unavailable.Message);
        }
        return Lab;
    }

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}

public sealed partial class LabNetworkTests(LabNetworkFixture fixture) : IClassFixture<LabNetworkFixture>
{
    private const string DirectorSpoofChain = "neutron-openvswi-s38833ad6-c";
    private const string DirectorEgressChain = "neutron-openvswi-o38833ad6-c";
    private const string LocalChain = "neutron-openvswi-local";
    private const string AntiSpoofDrop = "Drop traffic without an IP/MAC allow rule.";
    private const string InvalidDrop =
        "Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack.";

    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Broken_forwarded_syns_time_out_and_are_counted_by_the_director_anti_spoof_drop()
    {
        var lab = fixture.Require();
        await lab.ScenarioAsync("broken");
        var before = Packets(await lab.SaveCountersAsync(), DirectorSpoofChain, AntiSpoofDrop, "DROP");

        var (ok, failed) = await lab.TrafficAsync(4, Short);

        var after = Packets(await lab.SaveCountersAsync(), DirectorSpoofChain, AntiSpoofDrop, "DROP");
        Assert.Equal((0, 4), (ok, failed));
        Assert.True(after >= before + 4, $"anti-spoof DROP went {before} -> {after}; expected one per SYN at least");
    }

    [Fact]
    public async Task Fixed_local_accept_serves_every_request_without_moving_any_anti_spoof_or_invalid_drop()
    {
        var lab = fixture.Require();
        await lab.ScenarioAsync("fixed");
        var before = await lab.SaveCountersAsync();

        var (ok, failed) = await lab.TrafficAsync(8);

        var after = await lab.SaveCountersAsync();
        Assert.Equal((8, 0), (ok, failed));
        Assert.Equal(DropCounters(before), DropCounters(after));
        Assert.True(Packets(after, LocalChain, null, "ACCEPT") > Packets(before, LocalChain, null, "ACCEPT"),
            "the ACCEPT in neutron-openvswi-local counted nothing, so something else carried the traffic");
    }

    [Fact]
    public async Task Open_allowed_pair_in_neutron_rule_order_works_because_egress_rules_return_invalid_packets_first()
    {
        var lab = fixture.Require();
        await lab.ScenarioAsync("pairs");
        var before = await lab.SaveCountersAsync();

        var (ok, failed) = await lab.TrafficAsync(4);

        var after = await lab.SaveCountersAsync();
        Assert.Equal((4, 0), (ok, failed));
        Assert.Equal(DropCounters(before), DropCounters(after));
    }

    [Fact]
    public async Task Halfflow_stalls_requests_and_raises_the_director_egress_invalid_drop()
    {
        var lab = fixture.Require();
        await lab.ScenarioAsync("halfflow");
        var before = Packets(await lab.SaveCountersAsync(), DirectorEgressChain, InvalidDrop, "DROP");

        var (ok, failed) = await lab.TrafficAsync(4, Short);

        var after = Packets(await lab.SaveCountersAsync(), DirectorEgressChain, InvalidDrop, "DROP");
        Assert.Equal((0, 4), (ok, failed));
        Assert.True(after >= before + 4, $"INVALID DROP went {before} -> {after}; expected the client's ACK of each connection at least");
    }

    /// <summary>Packets of the rules in CHAIN with that comment (any when null) and target, summed.</summary>
    private static long Packets(string save, string chain, string? comment, string target)
    {
        var rules = Rules(save)
            .Where(r => r.Chain == chain && r.Target == target && (comment is null || r.Comment == comment))
            .ToList();
        Assert.True(rules.Count > 0, $"no {target} rule with comment '{comment}' in {chain}:\n{save}");
        return rules.Sum(r => r.Packets);
    }

    /// <summary>Every anti-spoof and INVALID drop rule of every port, by rule text, with its packet counter.</summary>
    private static Dictionary<string, long> DropCounters(string save) =>
        Rules(save)
            .Where(r => r.Comment is AntiSpoofDrop or InvalidDrop)
            .ToDictionary(r => r.Text, r => r.Packets);

    private static IEnumerable<(string Chain, string? Comment, string Target, long Packets, string Text)> Rules(string save)
    {
        foreach (var line in save.Split('\n'))
        {
            var m = RuleLine().Match(line.TrimEnd());
            if (!m.Success)
            {
                continue;
            }
            var comment = m.Groups["comment"].Success ? m.Groups["comment"].Value : null;
            yield return (m.Groups["chain"].Value, comment, m.Groups["target"].Value,
                long.Parse(m.Groups["packets"].Value, CultureInfo.InvariantCulture), m.Groups["text"].Value);
        }
    }

    // iptables-save -c: "[packets:bytes] -A CHAIN ... [--comment "..."] ... -j TARGET"
    [GeneratedRegex("""^\[(?<packets>\d+):\d+\] (?<text>-A (?<chain>\S+)(?:.*?--comment "(?<comment>[^"]*)")?.*? -j (?<target>\S+).*)$""")]
    private static partial Regex RuleLine();
}
