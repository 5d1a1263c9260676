namespace Dashboard.Agent.Tests.Shared;

public static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>A ProcRoot holding the captured net/ip_vs and net/ip_vs_stats.</summary>
    public static string ProcRoot => Path.Combine(Root, "proc");

    public static string IpvsadmStatsExact => Path.Combine(Root, "ipvsadm", "ipvsadm-L-n--stats--exact.txt");

    public static string NeutronRawTable => Path.Combine(Root, "iptables-save-c-t-raw.txt");

    public static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);
}
