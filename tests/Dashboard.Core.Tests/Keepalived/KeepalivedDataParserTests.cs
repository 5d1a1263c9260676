using Dashboard.Core.Keepalived;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Keepalived;

/// <summary>
/// Inputs follow the dump layout of keepalived's vrrp_data.c and check_data.c (line formats as the source prints
/// them); names and addresses come from the NSX incident write-up's keepalived.conf (VI_1, VIP 10.29.7.10, real
/// server 10.29.7.12:80). No real dump file is public.
/// </summary>
public sealed class KeepalivedDataParserTests
{
    private const string VrrpData = """
        ------< Global definitions >------
         Router ID = lvs-01
        ------< VRRP Topology >------
         VRRP Instance = VI_1
           VRRP Version = 2
           State = MASTER
           Wantstate = MASTER
           Number of config faults = 0
           Number of tracker faults = 0
           Last transition = 1700000000.123456 (Tue Nov 14 22:13:20.123456 2023)
           Master down timer = 3609375 usecs
         VRRP Instance = VI_2
           VRRP Version = 2
           State = BACKUP
           Master router = 10.29.7.11
           Master priority = 101
           Wantstate = BACKUP
        ------< Interfaces >------
         Name = ens32
           State = UP, RUNNING
        """;

    private const string CheckData = """
        ------< Health checkers >------
         VS VIP = 10.29.7.10, VPORT = 80
           delay_loop = 6, lvs_sched = rr
           protocol = TCP
           ------< Real server >------
           RIP = 10.29.7.12, RPORT = 80, WEIGHT = 1 EFF WEIGHT = 1
           alive = 1
           num failed checkers = 0
           ------< Real server >------
           RIP = 10.29.7.13, RPORT = 80, WEIGHT = 1 EFF WEIGHT = 0
           alive = 0
         VS FWMARK = 7
           protocol = UDP
           ------< Real server >------
           RIP = fe80:0:0::1, RPORT = 53, WEIGHT = 1 EFF WEIGHT = 1
           alive = 1
        """;

    private static ParseOutcome<KeepalivedState> Parse(string text) => KeepalivedDataParser.Parse(TestText.Stream(text));

    [Fact]
    public void Parse_VrrpDataLayout_ReadsInstanceStatesAndMasterRouter()
    {
        var outcome = Parse(VrrpData);

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(
            [("VI_1", "MASTER", (string?)null), ("VI_2", "BACKUP", "10.29.7.11")],
            outcome.Value.Instances.Select(i => (i.Name, i.State, i.MasterRouter)));
    }

    [Fact]
    public void Parse_CheckDataLayout_ReadsRealServersWithAliveAndProtocol()
    {
        var outcome = Parse(CheckData);

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(
            [("10.29.7.10:80", "10.29.7.12:80", "TCP", true), ("10.29.7.10:80", "10.29.7.13:80", "TCP", false), ("FWM 7", "[fe80::1]:53", "UDP", true)],
            outcome.Value.RealServers.Select(r => (r.Virtual, r.Address, r.Protocol, r.Up)));
    }

    [Fact]
    public void Parse_BothDumpsConcatenated_ReadsInstancesAndRealServers()
    {
        var state = Parse(VrrpData + "\n" + CheckData).Value;

        Assert.Equal(2, state.Instances.Count);
        Assert.Equal(3, state.RealServers.Count);
    }

    [Fact]
    public void Parse_OldFormatPriorities_PrefersEffectivePriority()
    {
        var instance = Parse(" VRRP Instance = VI_1\n   State = BACKUP\n   Base priority = 100\n   Effective priority = 90\n").Value.Instances.Single();

        Assert.Equal(("BACKUP", (int?)90), (instance.State, instance.Priority));
    }

    [Fact]
    public void Parse_MissingStateOrAliveAndOddValues_WarnWithTheirLines()
    {
        var outcome = Parse(" VRRP Instance = VI_9\n   Wantstate = MASTER\n VS VIP = 10.0.0.1, VPORT = 80\n   RIP = 10.0.0.2, RPORT = 80, WEIGHT = 1\n   RIP = 10.0.0.3, RPORT = 80, WEIGHT = 1\n   alive = yes\n");

        Assert.Equal([(1L, "State"), (4L, "alive"), (6L, "alive")], outcome.Diagnostics.Select(d => (d.Line, d.Field)).Order());
        Assert.All(outcome.Value.RealServers, r => Assert.False(r.Up));
    }

    [Fact]
    public void Parse_MutatedDumps_NeverThrowAndReportRealLines()
    {
        foreach (var (name, bytes) in new InputMutator(11).Catalogue(System.Text.Encoding.UTF8.GetBytes(VrrpData + "\n" + CheckData)))
        {
            ParserContract.Holds(KeepalivedDataParser.Parse, bytes, name, v => v.Warnings);
        }
    }

    [Fact]
    public void Parse_VyattaBackupDump_MasterRouterAndEffectivePriorityThoughTheNicSectionCutsIn()
    {
        // danos/vyatta-vrrp test data (SOURCES.md): keepalived prints the tracked interface's ------< NIC >------ block in
        // the middle of the instance; the instance's own lines before it are all that matter here.
        using var input = TestText.Fixture("danos-vyatta-vrrp__conftest_backup_track_intf_keepalived.data.txt");

        var outcome = KeepalivedDataParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        var instance = Assert.Single(outcome.Value.Instances);
        Assert.Equal(("vyatta-dp0p1s1-1", "BACKUP", (int?)150, "10.10.1.1", false), (instance.Name, instance.State, instance.Priority, instance.MasterRouter, instance.Group));
        Assert.Empty(outcome.Value.RealServers);
    }

    [Fact]
    public void Parse_VyattaSyncGroupDump_InstanceAndItsSyncGroupStates()
    {
        // danos/vyatta-vrrp test data (SOURCES.md): a MASTER instance and the ------< VRRP Sync groups >------ section
        // (` VRRP Sync Group = TEST, MASTER`), read as a group like the notify FIFO's GROUP lines.
        using var input = TestText.Fixture("danos-vyatta-vrrp__conftest_rfc_sync_keepalived.data.txt");

        var outcome = KeepalivedDataParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(
            [("vyatta-dp0p1s1-1", "MASTER", (int?)100, false), ("TEST", "MASTER", null, true)],
            outcome.Value.Instances.Select(i => (i.Name, i.State, i.Priority, i.Group)));
    }

    [Fact]
    public void Parse_SyncGroupWithoutState_WarnsAndKeepsTheGroup()
    {
        var outcome = Parse("------< VRRP Sync groups >------\n VRRP Sync Group = G1\n");

        Assert.Equal((2L, "VRRP Sync Group"), (outcome.Diagnostics.Single().Line, outcome.Diagnostics.Single().Field!));
        Assert.Equal(("G1", "", true), outcome.Value.Instances.Select(i => (i.Name, i.State, i.Group)).Single());
    }
}
