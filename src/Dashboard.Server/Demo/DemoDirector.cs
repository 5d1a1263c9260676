using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;

namespace Dashboard.Server.Demo;

/// <summary>
/// A simulated LVS-DR director. How its connection table looks is decided by <see cref="Behaviour"/>:
/// healthy DR (mostly ESTABLISHED and FIN_WAIT), forwarded SYNs dropped (SYN_RECV piles up), or stalled transfers.
/// </summary>
public sealed class DemoDirector(string name, string vrrpInstance, IReadOnlyList<DemoVirtual> virtuals, Func<double, DirectorBehaviour> behaviour) : IDemoHost
{
    private readonly Random _random = new(name.GetHashCode(StringComparison.Ordinal) & 0x7fff);
    private readonly Dictionary<string, ulong> _counters = new(StringComparer.Ordinal);

    public string Name => name;
    public string Role => "director";
    public Func<double, DirectorBehaviour> Behaviour => behaviour;

    public DemoPush NextPush(DateTimeOffset at, double loopSecond, long sequence)
    {
        var mode = behaviour(loopSecond);
        var services = new IpvsServiceTable { Version = "1.2.1", ConnectionTableSize = 4096 };
        var connections = new IpvsConnectionSummary();
        foreach (var vip in virtuals)
        {
            var service = new IpvsService { Protocol = "TCP", Virtual = vip.Address, Scheduler = vip.Scheduler, Stats = new IpvsTrafficCounters() };
            var newConnections = (ulong)(vip.ConnectionsPerSecond * 5 * (0.9 + _random.NextDouble() * 0.2));
            _counters[vip.Address] = _counters.GetValueOrDefault(vip.Address) + newConnections;
            service.Stats.Connections = _counters[vip.Address];
            foreach (var rs in vip.RealServers)
            {
                var states = StatesFor(vip, mode);
                var dest = new IpvsDestinationStates { Protocol = "TCP", Virtual = vip.Address, Destination = rs };
                foreach (var (state, count) in states.Where(s => s.Value > 0))
                {
                    dest.ByState[state] = count;
                    connections.ByState.Increase(state, count);
                    connections.Connections += count;
                }

                connections.Destinations.Add(dest);
                var active = states.GetValueOrDefault("ESTABLISHED") + states.GetValueOrDefault("SYN_RECV");
                service.Destinations.Add(new IpvsDestination
                {
                    Address = rs, Forward = "Route", Weight = 100, ActiveConn = active, InActConn = states.Values.Sum() - active,
                });
            }

            services.Services.Add(service);
            if (mode.SynRecvLevel > 0)
            {
                // Seed 1: the client at 10.0.19.92 and the rest of the fleet's proxies all stuck alike.
                connections.TopSynRecvSources.Add(new IpvsSynRecvSource { Virtual = vip.Address, Client = "10.0.19.92", Connections = (long)(mode.SynRecvLevel * 40) });
                connections.TopSynRecvSources.Add(new IpvsSynRecvSource { Virtual = vip.Address, Client = "10.0.19.93", Connections = (long)(mode.SynRecvLevel * 35) });
            }
        }

        var batch = new AgentBatch
        {
            Host = name,
            Sequence = sequence,
            CollectedAt = at,
            AgentVersion = "demo",
            Ipvs = new IpvsSnapshot { Services = services, Connections = connections, Kernel = "5.10.0-demo" },
            Keepalived = new KeepalivedState { Instances = [new VrrpInstance { Name = vrrpInstance, State = "MASTER", Priority = 101 }] },
        };
        return new DemoPush(batch);
    }

    private Dictionary<string, long> StatesFor(DemoVirtual vip, DirectorBehaviour mode)
    {
        long Jitter(double value) => (long)Math.Max(0, Math.Round(value * (0.85 + _random.NextDouble() * 0.3)));
        var perServer = vip.ConnectionsPerSecond / vip.RealServers.Count;
        return new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["ESTABLISHED"] = Jitter(perServer * 30 * mode.EstablishedLevel),
            ["FIN_WAIT"] = Jitter(perServer * 50 * mode.EstablishedLevel),
            ["SYN_RECV"] = Jitter(perServer * 60 * mode.SynRecvLevel + perServer * 0.05),
            ["CLOSE"] = Jitter(perServer * 0.5),
            ["TIME_WAIT"] = Jitter(perServer * 0.2),
        };
    }
}

public sealed record DemoVirtual(string Address, string Scheduler, double ConnectionsPerSecond, IReadOnlyList<string> RealServers);

/// <summary>How much of the table sits in SYN_RECV (0 healthy, 1 every new connection stuck) and how much is established.</summary>
public readonly record struct DirectorBehaviour(double SynRecvLevel, double EstablishedLevel)
{
    public static DirectorBehaviour Healthy => new(0, 1);
}
