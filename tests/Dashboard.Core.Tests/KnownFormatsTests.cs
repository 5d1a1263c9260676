using System.Text;
using Dashboard.Core.Batches;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Tests;

public sealed class KnownFormatsTests
{
    public static readonly string[] ContractFormats =
        ["ipvsadm", "ipvsadm-conn", "proc-ip-vs", "proc-ip-vs-conn", "proc-ip-vs-stats", "iptables-save", "iptables-list", "nsx-filterstat", "nsx-api", "keepalived"];

    [Fact]
    public void Names_HoldEveryFormatOfTheCommandLineContract()
    {
        Assert.All(ContractFormats, f => Assert.Contains(f, KnownFormats.Names));
    }

    [Theory]
    [InlineData("ipvsadm-conn", "TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:10051 10.1.26.139:10051\n")]
    [InlineData("iptables-save", "*filter\n:FORWARD ACCEPT [3:180]\n[5:300] -A FORWARD -j DROP\nCOMMIT\n")]
    [InlineData("ovs-flows", " cookie=0x1, duration=1.5s, table=71, n_packets=60, n_bytes=3600, priority=10,reg5=0x1,in_port=1 actions=drop\n")]
    [InlineData("keepalived", "INSTANCE \"VI_1\" MASTER 100\n")]
    [InlineData("keepalived", " VRRP Instance = VI_1\n   State = BACKUP\n")]
    public void TryParse_UsableInput_AddsItsSectionToABatch(string format, string text)
    {
        // Act
        Assert.True(KnownFormats.TryParse(format, new MemoryStream(Encoding.UTF8.GetBytes(text)), out var parsed));
        var batch = new AgentBatch();
        parsed!.AddTo(batch);

        // Assert
        Assert.True(parsed.HasUsableData, string.Join("; ", parsed.Diagnostics));
        Assert.True(batch.Ipvs is not null || batch.Iptables is not null || batch.Keepalived is not null);
    }

    [Fact]
    public void TryParse_UnknownFormat_False()
    {
        Assert.False(KnownFormats.TryParse("ipvsadm-xyz", new MemoryStream(), out _));
    }
}
