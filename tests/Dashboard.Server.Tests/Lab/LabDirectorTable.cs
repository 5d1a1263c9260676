using System.Globalization;
using System.Net;
using System.Text;

namespace Dashboard.Server.Tests.Lab;

/// <summary>
/// The director's IPVS tables for the lab, whose kernel has no IPVS: written as /proc/net/ip_vs and ip_vs_conn files
/// from the lab's real client attempts (a timed-out attempt is a SYN_RECV entry, an answered one FIN_WAIT), aged with
/// the kernel's default timeouts, for the director agent's IPVS collector to read.
/// </summary>
public sealed class LabDirectorTable
{
    public const string Vip = "10.1.26.252";
    public const int Port = 10051;
    public static readonly string[] RealServers = ["10.1.26.139", "10.1.26.140", "10.1.26.141"];
    private static readonly TimeSpan s_synRecvTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_finWaitTimeout = TimeSpan.FromMinutes(2);
    private readonly List<(DateTimeOffset At, bool Answered, int Client, string RealServer)> _entries = [];
    private int _nextClientPort = 40000;

    public LabDirectorTable(string procRoot)
    {
        ProcRoot = procRoot;
        Directory.CreateDirectory(Path.Combine(procRoot, "net"));
    }

    public string ProcRoot { get; }

    public void Record(DateTimeOffset at, int ok, int failed)
    {
        for (var i = 0; i < ok + failed; i++)
        {
            _entries.Add((at, i < ok, _nextClientPort++, RealServers[_nextClientPort % RealServers.Length]));
        }
    }

    public void Write(DateTimeOffset now)
    {
        _entries.RemoveAll(e => now - e.At > (e.Answered ? s_finWaitTimeout : s_synRecvTimeout));
        var conn = new StringBuilder("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
        foreach (var (at, answered, clientPort, realServer) in _entries)
        {
            var left = (int)((answered ? s_finWaitTimeout : s_synRecvTimeout) - (now - at)).TotalSeconds;
            conn.Append(CultureInfo.InvariantCulture, $"TCP {Hex("10.0.19.92")} {clientPort:X4} {Hex(Vip)} {Port:X4} {Hex(realServer)} {Port:X4} {(answered ? "FIN_WAIT" : "SYN_RECV"),-11} {left,7}\n");
        }

        var services = new StringBuilder("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");
        services.Append(CultureInfo.InvariantCulture, $"TCP  {Hex(Vip)}:{Port:X4} sh \n");
        foreach (var rs in RealServers)
        {
            var active = _entries.Count(e => e.RealServer == rs && !e.Answered);
            var inactive = _entries.Count(e => e.RealServer == rs && e.Answered);
            services.Append(CultureInfo.InvariantCulture, $"  -> {Hex(rs)}:{Port:X4}      Route   1      {active,-10} {inactive,-10}\n");
        }

        File.WriteAllText(Path.Combine(ProcRoot, "net", "ip_vs_conn"), conn.ToString());
        File.WriteAllText(Path.Combine(ProcRoot, "net", "ip_vs"), services.ToString());
    }

    private static string Hex(string address) => Convert.ToHexString(IPAddress.Parse(address).GetAddressBytes());
}
