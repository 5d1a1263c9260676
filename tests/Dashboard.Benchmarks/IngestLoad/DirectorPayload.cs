using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// A busy LVS-DR director: VIPs each with real servers, their connection counts by state (healthy DR: mostly
/// ESTABLISHED and FIN_WAIT, a trickle of SYN_RECV), weights, active/inactive counts, cumulative service stats, and
/// the VRRP instance keepalived runs.
/// </summary>
public sealed class DirectorPayload : IPayloadSource
{
    private static readonly int[] s_ports = [10051, 443, 80, 3306, 6379, 8080, 5432, 9092];
    private static readonly string[] s_schedulers = ["wlc", "rr", "sh", "wrr", "lc"];
    private readonly Random _random;
    private readonly Vip[] _vips;
    private readonly string _vrrpState;
    private readonly bool _withHealthChecks;

    /// <param name="withHealthChecks">Also send keepalived's health-check state of every real server.</param>
    public DirectorPayload(int index, int vips, int realServers, bool withHealthChecks = false)
    {
        _random = new Random(1000 + index);
        _withHealthChecks = withHealthChecks;
        _vrrpState = index % 2 == 0 ? "MASTER" : "BACKUP";
        var net = $"10.{100 + index / 250}.{index % 250}";
        _vips = Enumerable.Range(0, vips).Select(v =>
        {
            var port = s_ports[v % s_ports.Length];
            var servers = Enumerable.Range(0, realServers)
                .Select(r => new RealServer($"{net}.{(v * realServers + r) % 200 + 2}:{port}", r % 10 == 9 ? 50 : 100))
                .ToArray();
            // Load spread over orders of magnitude, as in a real fleet: a few hot VIPs, many quiet ones.
            var cps = 2 + Math.Pow(_random.NextDouble(), 3) * 400;
            return new Vip($"{net}.{200 + v % 50}:{port + v / 50}", s_schedulers[v % s_schedulers.Length], v % 7 == 3 ? 300 : null, cps, servers);
        }).ToArray();
    }

    public string Role => "director";

    public AgentBatch Next(string host, long sequence, DateTimeOffset collectedAt)
    {
        var table = new IpvsServiceTable { Version = "1.2.1", ConnectionTableSize = 4096 };
        var summary = new IpvsConnectionSummary();
        var health = _withHealthChecks ? new List<KeepalivedRealServer>() : null;
        foreach (var vip in _vips)
        {
            var fresh = (ulong)(vip.ConnectionsPerSecond * 5 * Jitter());
            vip.Connections += fresh;
            vip.InPackets += fresh * 14;
            vip.OutPackets += fresh * 3;
            vip.InBytes += fresh * 14 * 420;
            var service = new IpvsService
            {
                Protocol = "TCP", Virtual = vip.Address, Scheduler = vip.Scheduler, PersistentSeconds = vip.Persistent,
                Stats = new IpvsTrafficCounters { Connections = vip.Connections, InPackets = vip.InPackets, OutPackets = vip.OutPackets, InBytes = vip.InBytes },
            };
            var perServer = vip.ConnectionsPerSecond / vip.RealServers.Length;
            foreach (var rs in vip.RealServers)
            {
                var states = new StateCounts
                {
                    ["ESTABLISHED"] = Count(perServer * 30),
                    ["FIN_WAIT"] = Count(perServer * 50),
                    ["SYN_RECV"] = Count(perServer * 0.05),
                    ["TIME_WAIT"] = Count(perServer * 0.2),
                    ["CLOSE"] = Count(perServer * 0.5),
                };
                var templates = vip.Persistent is null ? 0 : Count(perServer * 20);
                var dest = new IpvsDestinationStates { Protocol = "TCP", Virtual = vip.Address, Destination = rs.Address, ByState = states, Templates = templates };
                summary.Destinations.Add(dest);
                var total = 0L;
                foreach (var (state, count) in states)
                {
                    summary.ByState.Increase(state, count);
                    total += count;
                }

                summary.Connections += total;
                summary.Templates += templates;
                var active = states["ESTABLISHED"] + states["SYN_RECV"];
                service.Destinations.Add(new IpvsDestination
                {
                    Address = rs.Address, Forward = "Route", Weight = rs.Weight, ActiveConn = active, InActConn = total - active, PersistConn = templates,
                });
                health?.Add(new KeepalivedRealServer { Virtual = vip.Address, Address = rs.Address, Protocol = "TCP", Up = true });
            }

            table.Services.Add(service);
        }

        summary.TopSynRecvSources.Add(new IpvsSynRecvSource { Virtual = _vips[0].Address, Client = "10.0.19.92", Connections = Count(3) });
        return new AgentBatch
        {
            Host = host,
            Sequence = sequence,
            CollectedAt = collectedAt,
            AgentVersion = "loadgen",
            Ipvs = new IpvsSnapshot { Services = table, Connections = summary, Kernel = "5.14.0-427.el9.x86_64" },
            Keepalived = new KeepalivedState
            {
                Instances = [new VrrpInstance { Name = "VI_LVS", State = _vrrpState, Priority = _vrrpState == "MASTER" ? 101 : 100 }],
                RealServers = health ?? [],
            },
        };
    }

    private double Jitter() => 0.85 + _random.NextDouble() * 0.3;

    private long Count(double mean) => (long)Math.Round(mean * Jitter());

    private sealed record RealServer(string Address, int Weight);

    private sealed record Vip(string Address, string Scheduler, long? Persistent, double ConnectionsPerSecond, RealServer[] RealServers)
    {
        public ulong Connections { get; set; }
        public ulong InPackets { get; set; }
        public ulong OutPackets { get; set; }
        public ulong InBytes { get; set; }
    }
}
