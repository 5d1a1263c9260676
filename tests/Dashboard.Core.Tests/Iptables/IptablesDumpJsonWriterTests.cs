using System.Text;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;
using Dashboard.Core.Tests.Ipvs;

namespace Dashboard.Core.Tests.Iptables;

public sealed class IptablesDumpJsonWriterTests
{
    public static TheoryData<string> Samples => new()
    {
        "openstack-neutron__test_iptables_firewall_RAW_TABLE_OUTPUT_iptables-save.txt",
        "openstack-neutron__test_iptables_manager_TRAFFIC_COUNTERS_DUMP_iptables-L-n-v-x.txt",
        "seed",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_MutatedSamples_SameBytesAsTheSerializer(string sample)
    {
        // Arrange
        var bytes = IptablesFuzzTests.Sample(sample);
        Func<Stream, ParseOutcome<IptablesDump>> parse = sample.Contains("iptables-L", StringComparison.Ordinal) ? IptablesListParser.Parse : IptablesSaveParser.Parse;

        foreach (var (name, mutated) in new InputMutator(9).Catalogue(bytes, 20))
        {
            // Act
            var dump = ParserContract.Holds(parse, mutated, $"{sample}/{name}", v => v.Warnings).Value;

            // Assert
            Assert.True(Serialized(dump) == Written(dump), $"{sample}/{name}");
        }
    }

    [Fact]
    public void Write_OvsFlowsWithNeutronPortIdsMacsAndOpenFlowPorts_SameBytesAsTheSerializer()
    {
        // Arrange
        using var input = TestText.Fixture("lab-ovs3.1__ovs-lab_show_vsctl-csv_dump-flows_br-int.txt");
        var dump = Dashboard.Core.Ovs.OvsFlowsParser.Parse(input).Value;

        // Act
        var written = Written(dump);

        // Assert
        Assert.Equal(Serialized(dump), written);
        Assert.Contains("\"portId\":\"38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4\",\"mac\":\"fa:16:3e:c4:20:c7\",\"ofPort\":1", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_DumpWithGotoNeutronEscapesAndNulls_SameBytesAsTheSerializer()
    {
        // Arrange
        var dump = new IptablesDump
        {
            Namespace = "qrouter-<1>",
            Variant = null,
            Tables =
            [
                new()
                {
                    Name = "filter",
                    Chains =
                    [
                        new()
                        {
                            Name = "neutron-openvswi-s38833ad6-c", Policy = null, Packets = ulong.MaxValue, Bytes = 0,
                            Neutron = new() { Port = "38833ad6-c", Direction = "s" },
                            Rules =
                            [
                                new() { Index = 1, Target = "neutron-openvswi-sg-chain", Goto = true, Spec = "-m comment \"\u00e9\"", Identity = "0123456789abcdef" },
                                new() { Index = 2, Target = null, TargetOptions = "--reject-with icmp-port-unreachable", Comment = "Drop & <log>", DropKind = "anti-spoof", Neutron = new() { Port = "p", Direction = "i" } },
                            ],
                        },
                        new() { Name = "EMPTY", Policy = "DROP", Rules = null! },
                    ],
                },
                new() { Name = "raw", Chains = null! },
            ],
            NeutronPorts =
            [
                new() { Port = "38833ad6-c", Device = "tap38833ad6-c6", AllowedPairs = [new() { Address = "10.1.26.252/32", Mac = null }] },
                new() { Port = "x", Device = null, AllowedPairs = null! },
            ],
            Warnings = [new() { Line = 3, Field = "chain", Message = "twice", Severity = DiagnosticSeverity.Warning }],
        };

        // Act
        var written = Written(dump);

        // Assert
        Assert.Equal(Serialized(dump), written);
        Assert.Equal(Serialized(new IptablesDump { Tables = null!, NeutronPorts = null!, Warnings = null! }),
            Written(new IptablesDump { Tables = null!, NeutronPorts = null!, Warnings = null! }));
    }

    private static string Serialized(IptablesDump dump) => JsonSerializer.Serialize(dump, DashboardJsonContext.Default.IptablesDump);

    private static string Written(IptablesDump dump)
    {
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            IptablesDumpJsonWriter.Write(writer, dump);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
