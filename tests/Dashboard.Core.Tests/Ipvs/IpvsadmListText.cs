namespace Dashboard.Core.Tests.Ipvs;

/// <summary>ipvsadm 1.31 list output rebuilt from its printf formats (print_title, print_service_entry, print_largenum).</summary>
internal static class IpvsadmListText
{
    public const string Banner = "IP Virtual Server version 1.2.1 (size=4096)\n";
    public const string PlainTitle = "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
    public const string TunnelTitle = "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";

    public static string StatsTitle => $"{"Prot LocalAddress:Port",-33} {"Conns",8} {"InPkts",8} {"OutPkts",8} {"InBytes",8} {"OutBytes",8}\n  -> RemoteAddress:Port\n";
    public static string RateTitle => $"{"Prot LocalAddress:Port",-33} {"CPS",8} {"InPPS",8} {"OutPPS",8} {"InBPS",8} {"OutBPS",8}\n  -> RemoteAddress:Port\n";
    public static string ThresholdsTitle => $"{"Prot LocalAddress:Port",-33} {"Uthreshold",-10} {"Lthreshold",-10} {"ActiveConn",-10} {"InActConn",-10}\n  -> RemoteAddress:Port\n";
    public static string PersistentConnTitle => $"{"Prot LocalAddress:Port",-33} {"Weight",-9} {"PersistConn",-11} {"ActiveConn",-10} {"InActConn",-10}\n  -> RemoteAddress:Port\n";

    /// <summary>"%-4s %s" with IPv4 names cut at 33 characters.</summary>
    public static string ServiceName(string protocol, string name)
    {
        var text = $"{protocol,-4} {name}";
        return text.Length > 33 && !name.StartsWith('[') ? text[..33] : text;
    }

    public static string Service(string protocol, string name, string scheduler, string tail = "") => $"{ServiceName(protocol, name)} {scheduler}{tail}\n";

    public static string Destination(string name, string forward, int weight, uint active, uint inactive) =>
        $"  -> {name,-28} {forward,-7} {weight,-6} {active,-10} {inactive,-10}\n";

    public static string TunnelDestination(string name, string forward, string tunnel, int weight, uint active, uint inactive) =>
        $"  -> {name,-28} {forward,-7} {tunnel,-13} {weight,-6} {active,-10} {inactive,-10}\n";

    public static string StatsService(string protocol, string name, bool exact, params ulong[] values) =>
        $"{ServiceName(protocol, name),-33}{string.Concat(values.Select(v => LargeNumber(v, exact)))}\n";

    public static string StatsDestination(string name, bool exact, params ulong[] values) =>
        $"  -> {name,-28}{string.Concat(values.Select(v => LargeNumber(v, exact)))}\n";

    /// <summary>--rate destination: "%8llu %8llu %8llu" plain, then two print_largenum().</summary>
    public static string RateDestination(string name, bool exact, ulong cps, ulong inPps, ulong outPps, ulong inBps, ulong outBps) =>
        $"  -> {name,-28} {cps,8} {inPps,8} {outPps,8}{LargeNumber(inBps, exact)}{LargeNumber(outBps, exact)}\n";

    public static string ThresholdsDestination(string name, uint upper, uint lower, uint active, uint inactive) =>
        $"  -> {name,-28} {upper,-10} {lower,-10} {active,-10} {inactive,-10}\n";

    public static string PersistentConnDestination(string name, int weight, uint persistent, uint active, uint inactive) =>
        $"  -> {name,-28} {weight,-9} {persistent,-11} {active,-10} {inactive,-10}\n";

    public static string LargeNumber(ulong i, bool exact)
    {
        if (exact)
        {
            var len = i.ToString().Length;
            return i.ToString().PadLeft(len <= 8 ? 9 : len + 1);
        }

        return i switch
        {
            < 100_000_000 => $"{i,9}",
            < 1_000_000_000 => $"{i / 1_000,8}K",
            < 100_000_000_000 => $"{i / 1_000_000,8}M",
            < 100_000_000_000_000 => $"{i / 1_000_000_000,8}G",
            _ => $"{i / 1_000_000_000_000,8}T",
        };
    }
}
