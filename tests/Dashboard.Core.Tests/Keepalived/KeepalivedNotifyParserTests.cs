using Dashboard.Core.Keepalived;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Keepalived;

public sealed class KeepalivedNotifyParserTests
{
    private static ParseOutcome<KeepalivedState> Parse(string text) => KeepalivedNotifyParser.Parse(TestText.Stream(text));

    [Fact]
    public void Parse_VrrpFifoLines_LastStatePerInstanceWins()
    {
        var outcome = Parse("INSTANCE \"VI_1\" BACKUP 100\nGROUP \"VG_1\" BACKUP 0\nINSTANCE \"VI_2\" BACKUP 90\nINSTANCE \"VI_1\" MASTER 100\n");

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(
            [("VI_1", false, "MASTER", (int?)100), ("VG_1", true, "BACKUP", 0), ("VI_2", false, "BACKUP", 90)],
            outcome.Value.Instances.Select(i => (i.Name, i.Group, i.State, i.Priority)));
    }

    [Fact]
    public void Parse_PriorityEvents_UpdatePriorityWithoutInventingTransitions()
    {
        var instance = Parse("INSTANCE \"VI_1\" MASTER 100\nINSTANCE \"VI_1\" MASTER_PRIORITY 80\nINSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 50\n").Value.Instances.Single();

        Assert.Equal(("MASTER", (int?)80), (instance.State, instance.Priority));
    }

    [Fact]
    public void Parse_LvsFifoLines_ReadRealAndVirtualServersLastStateWins()
    {
        var outcome = Parse("VS [192.168.201.15]:tcp:80 UP\nRS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 UP\nRS [1.2.3.5]:tcp:80 [192.168.201.15]:tcp:80 UP\nRS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 DOWN\nVS [2001:db8:0::10]:udp:53 DOWN\n");

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(
            [("192.168.201.15:80", "1.2.3.4:80", "TCP", false), ("192.168.201.15:80", "1.2.3.5:80", "TCP", true)],
            outcome.Value.RealServers.Select(r => (r.Virtual, r.Address, r.Protocol, r.Up)));
        Assert.Equal([("192.168.201.15:80", "TCP", true), ("[2001:db8::10]:53", "UDP", false)], outcome.Value.VirtualServers.Select(v => (v.Virtual, v.Protocol, v.Up)));
    }

    [Fact]
    public void Parse_UnknownStateAndBadLines_WarnWithLineAndKeepTheRest()
    {
        var outcome = Parse("INSTANCE \"VI_1\" SLEEPY 100\nINSTANCE VI_2 MASTER 100\nRS [1.2.3.4]:tcp:80 UP\nHELLO\nRS [not-an-ip]:tcp:80 [10.0.0.1]:tcp:80 UP\nINSTANCE \"VI_3\" BACKUP x\n");

        Assert.Equal([(1L, "state"), (2L, "name"), (3L, null), (4L, null), (5L, "real"), (6L, "priority")], outcome.Diagnostics.Select(d => (d.Line, d.Field)));
        Assert.Equal([("VI_1", "SLEEPY"), ("VI_3", "BACKUP")], outcome.Value.Instances.Select(i => (i.Name, i.State)));
        Assert.Equal("[not-an-ip]:tcp:80", outcome.Value.RealServers.Single().Address);
    }

    [Fact]
    public void Parse_MutatedFifoCapture_NeverThrowsAndReportsRealLines()
    {
        var sample = System.Text.Encoding.UTF8.GetBytes("INSTANCE \"VI_1\" MASTER 100\nGROUP \"VG_1\" MASTER 0\nVS [192.168.201.15]:tcp:80 UP\nRS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 DOWN\n");

        foreach (var (name, bytes) in new InputMutator(8).Catalogue(sample))
        {
            ParserContract.Holds(KeepalivedNotifyParser.Parse, bytes, name, v => v.Warnings);
        }
    }
}
