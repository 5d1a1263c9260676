using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Iptables;

/// <summary>The real Neutron captures parsed and written as the agent writes them (source-generated JSON), compared with reviewed golden files.</summary>
public sealed class IptablesGoldenTests
{
    private static readonly JsonSerializerOptions s_indented = new(DashboardJsonContext.Default.Options) { WriteIndented = true };

    [Theory]
    [InlineData("openstack-neutron__test_iptables_firewall_RAW_TABLE_OUTPUT_iptables-save.txt", "save")]
    [InlineData("openstack-neutron__test_iptables_manager_TRAFFIC_COUNTERS_DUMP_iptables-L-n-v-x.txt", "list")]
    public void Parse_NeutronFixture_MatchesGoldenJson(string fixture, string format)
    {
        using var input = TestText.Fixture(fixture);
        var dump = format == "save" ? IptablesSaveParser.Parse(input).Value : IptablesListParser.Parse(input).Value;

        var json = JsonSerializer.Serialize(dump, s_indented.GetTypeInfo(typeof(IptablesDump))).ReplaceLineEndings("\n") + "\n";

        var golden = Path.Combine(AppContext.BaseDirectory, "Iptables", "golden", fixture.Replace(".txt", ".json", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllText(golden), json);
    }

    [Fact]
    public void Serialize_SeedChains_HasTheAgentContractShape()
    {
        var dump = IptablesSaveParser.Parse(TestText.Stream(NeutronSeedDump.Text)).Value;

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(dump, DashboardJsonContext.Default.IptablesDump));

        var chain = json.RootElement.GetProperty("tables")[0].GetProperty("chains").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "neutron-openvswi-s38833ad6-c");
        Assert.Equal(JsonValueKind.Null, chain.GetProperty("policy").ValueKind);
        var drop = chain.GetProperty("rules")[2];
        Assert.Equal(3, drop.GetProperty("index").GetInt32());
        Assert.Equal(1873UL, drop.GetProperty("packets").GetUInt64());
        Assert.Equal(112380UL, drop.GetProperty("bytes").GetUInt64());
        Assert.Equal("DROP", drop.GetProperty("target").GetString());
        Assert.Equal("Drop traffic without an IP/MAC allow rule.", drop.GetProperty("comment").GetString());
        Assert.Equal("", drop.GetProperty("spec").GetString());
        Assert.Equal("38833ad6-c", drop.GetProperty("neutron").GetProperty("port").GetString());
        Assert.Equal("s", drop.GetProperty("neutron").GetProperty("direction").GetString());
        Assert.Equal("anti-spoof", drop.GetProperty("dropKind").GetString());
        Assert.False(drop.TryGetProperty("goto", out _));
        var input = json.RootElement.GetProperty("tables")[0].GetProperty("chains")[0];
        Assert.Equal(("INPUT", "ACCEPT", 0), (input.GetProperty("name").GetString(), input.GetProperty("policy").GetString(), input.GetProperty("rules").GetArrayLength()));
    }
}
