using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// A busy LVS-DR director: VIPs each with real servers, their connection counts by state (healthy DR: mostly
/// ESTABLISHED and FIN_WAIT, a trickle of SYN_RECV), weights, active/inactive counts, cumulative service stats, and
/// the VRRP instance keepalived runs. One batch object per agent is updated in place, so the load generator's own garbage
/// does not weigh on the garbage collector it shares with the server.
/// </summary>
public sealed class DirectorPayload : IPayloadSource
{
    private static readonly int[] s_ports = [10051, 443, 80, 3306, 6379, 8080, 5432, 9092];
    private static readonly string[] s_schedulers = ["wlc", "rr", "sh", "wrr", "lc"];
    private readonly Random _random;
    private readonly Vip[] _vips;
    private readonly string _vrrpState;
    private readonly bool _withHealthChecks;
    private AgentBatch? _batch;

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
        _batch ??= Build();
        var summary = _batch.Ipvs!.Connections!;
        summary.Connections = 0;
        summary.Templates = 0;
        summary.ByState = new StateCounts();
        var rs = 0;
        foreach (var vip in _vips)
        {
            var fresh = (ulong)(vip.ConnectionsPerSecond * 5 * Jitter());
            vip.Connections += fresh;
            vip.InPackets += fresh * 14;
            vip.OutPackets += fresh * 3;
            vip.InBytes += fresh * 14 * 420;
            var stats = vip.Service.Stats!;
            (stats.Connections, stats.InPackets, stats.OutPackets, stats.InBytes) = (vip.Connections, vip.InPackets, vip.OutPackets, vip.InBytes);
            var perServer = vip.ConnectionsPerSecond / vip.RealServers.Length;
            for (var i = 0; i < vip.RealServers.Length; i++, rs++)
            {
                // Counters change in place: an agent sends one push at a time, and the batch is serialized before the next.
                var dest = summary.Destinations[rs];
                var states = dest.ByState;
                states["ESTABLISHED"] = Count(perServer * 30);
                states["FIN_WAIT"] = Count(perServer * 50);
                states["SYN_RECV"] = Count(perServer * 0.05);
                states["TIME_WAIT"] = Count(perServer * 0.2);
                states["CLOSE"] = Count(perServer * 0.5);
                dest.Templates = vip.Persistent is null ? 0 : Count(perServer * 20);
                var total = 0L;
                foreach (var (state, count) in states)
                {
                    summary.ByState.Increase(state, count);
                    total += count;
                }

                summary.Connections += total;
                summary.Templates += dest.Templates;
                var active = states["ESTABLISHED"] + states["SYN_RECV"];
                var destination = vip.Service.Destinations[i];
                (destination.ActiveConn, destination.InActConn, destination.PersistConn) = (active, total - active, dest.Templates);
            }
        }

        summary.TopSynRecvSources[0].Connections = Count(3);
        (_batch.Host, _batch.Sequence, _batch.CollectedAt) = (host, sequence, collectedAt);
        return _batch;
    }

    /// <summary>The batch's shape, built once: services, real servers, their state names, VRRP and health checks.</summary>
    private AgentBatch Build()
    {
        var table = new IpvsServiceTable { Version = "1.2.1", ConnectionTableSize = 4096 };
        var summary = new IpvsConnectionSummary();
        var health = _withHealthChecks ? new List<KeepalivedRealServer>() : null;
        foreach (var vip in _vips)
        {
            vip.Service = new IpvsService
            {
                Protocol = "TCP", Virtual = vip.Address, Scheduler = vip.Scheduler, PersistentSeconds = vip.Persistent, Stats = new IpvsTrafficCounters(),
            };
            foreach (var rs in vip.RealServers)
            {
                summary.Destinations.Add(new IpvsDestinationStates { Protocol = "TCP", Virtual = vip.Address, Destination = rs.Address, ByState = new StateCounts() });
                vip.Service.Destinations.Add(new IpvsDestination { Address = rs.Address, Forward = "Route", Weight = rs.Weight });
                health?.Add(new KeepalivedRealServer { Virtual = vip.Address, Address = rs.Address, Protocol = "TCP", Up = true });
            }

            table.Services.Add(vip.Service);
        }

        summary.TopSynRecvSources.Add(new IpvsSynRecvSource { Virtual = _vips[0].Address, Client = "10.0.19.92" });
        return new AgentBatch
        {
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

        public IpvsService Service { get; set; } = null!;
    }
}
