using System.Globalization;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>The simulated agents, directors, hypervisors and NSX hosts interleaved so any slice of them has the fleet's mix.</summary>
public sealed class Fleet(IReadOnlyList<SimulatedAgent> agents, string hostPrefix)
{
    public IReadOnlyList<SimulatedAgent> Agents => agents;

    /// <summary>Empty on a fresh database; a run id on a shared one, so hosts and sequences of earlier runs never collide.</summary>
    public string HostPrefix => hostPrefix;

    public static async Task<Fleet> CreateAsync(LoadServer server, LoadgenOptions options, string hostPrefix, CancellationToken ct)
    {
        var planned = new List<(double Order, string Host, Func<IPayloadSource> Payload)>();
        void Plan(int count, string name, Func<int, IPayloadSource> create)
        {
            for (var i = 0; i < count; i++)
            {
                var index = i;
                planned.Add(((i + 0.5) / count, string.Create(CultureInfo.InvariantCulture, $"{hostPrefix}{name}-{i + 1:D3}"), () => create(index)));
            }
        }

        Plan(options.Directors, "lvs-dr", i => new DirectorPayload(i, options.Vips, options.RealServers));
        Plan(options.Hypervisors, "compute", i => new HypervisorPayload(i, options.Rules));
        Plan(options.NsxHosts, "esxi", i => new NsxPayload(i, options.Filters));

        var agents = new List<SimulatedAgent>();
        foreach (var (_, host, create) in planned.OrderBy(p => p.Order).ThenBy(p => p.Host, StringComparer.Ordinal))
        {
            var payload = create();
            var token = await server.CreateTokenAsync($"loadgen-{host}", payload.Role, ct);
            agents.Add(new SimulatedAgent(host, token, payload));
        }

        return new Fleet(agents, hostPrefix);
    }
}
