namespace Dashboard.Server.Demo;

/// <summary>The demo fleet: both seed incidents and a healthy cluster, with the numbers of the write-ups.</summary>
public static class DemoScenarios
{
    public static IReadOnlyList<IDemoHost> CreateFleet()
    {
        // Seed 1: Zabbix proxies behind lvs-a; the compute node drops the director's forwarded SYNs in its anti-spoof chain.
        var zabbixProxies = Enumerable.Range(136, 8).Select(i => $"10.1.26.{i}:10051").ToList();
        var lvsA = new DemoDirector("lvs-a", "VI_1", [new DemoVirtual("10.1.26.252:10051", "sh", 40, zabbixProxies)], t =>
            DemoTimeline.PhaseAt(t) switch
            {
                DemoPhase.Failing => new DirectorBehaviour(Math.Min(1, 0.2 + DemoTimeline.FailingFor(t) / 60), Math.Max(0.02, 1 - DemoTimeline.FailingFor(t) / 45)),
                DemoPhase.Recovering => new DirectorBehaviour(Math.Max(0, 1 - DemoTimeline.RecoveringFor(t) / 30), Math.Min(1, DemoTimeline.RecoveringFor(t) / 30)),
                _ => DirectorBehaviour.Healthy,
            });

        // Seed 2: lvs-b behind an NSX distributed firewall; handshakes pass, large transfers stall (state-mismatch).
        var lvsB = new DemoDirector("lvs-b", "VI_1", [new DemoVirtual("10.29.7.10:80", "rr", 25, ["10.29.7.12:80", "10.29.7.13:80"])], _ => DirectorBehaviour.Healthy);

        // A healthy cluster, for contrast on the wall.
        var lvsC = new DemoDirector("lvs-c", "VI_WEB", [
            new DemoVirtual("10.3.0.10:443", "wlc", 120, Enumerable.Range(21, 6).Select(i => $"10.3.0.{i}:443").ToList()),
            new DemoVirtual("10.3.0.11:80", "wlc", 60, Enumerable.Range(21, 6).Select(i => $"10.3.0.{i}:80").ToList()),
        ], _ => DirectorBehaviour.Healthy);

        return [lvsA, lvsB, lvsC, new DemoComputeNode("compute-07"), new DemoEsxiHost("esxi-03")];
    }
}
