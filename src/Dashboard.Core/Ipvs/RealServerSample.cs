namespace Dashboard.Core.Ipvs;

/// <summary>One real server of one virtual service as a director sees it: table entry joined with connection counts.</summary>
public sealed record RealServerSample(
    string Protocol,
    string Virtual,
    string Destination,
    string? Forward,
    int? Weight,
    long? ActiveConn,
    long? InActConn,
    long Connections,
    long SynRecv,
    long Templates,
    StateCounts ByState)
{
    public const string SynRecvState = "SYN_RECV";

    /// <summary>SYN_RECV over all non-template connections: near 0 when healthy on DR, near 1 when forwarded SYNs vanish.</summary>
    public double SynRecvRatio => Share(SynRecv, Connections);

    /// <summary>SYN_RECV's share of the connections, 0 when there are none; the one formula for a real server, a VIP and a chart point.</summary>
    public static double Share(long synRecv, long connections) => connections > 0 ? (double)synRecv / connections : 0;

    /// <summary>Joins the service table with the connection summary; real servers missing from either side still appear.</summary>
    public static IReadOnlyList<RealServerSample> Join(IpvsServiceTable? services, IpvsConnectionSummary? connections)
    {
        var byKey = new Dictionary<(string, string, string), IpvsDestinationStates>(connections?.Destinations.Count ?? 0);
        foreach (var d in connections?.Destinations ?? [])
        {
            byKey[(d.Protocol, d.Virtual, d.Destination)] = d;
        }

        var result = new List<RealServerSample>(byKey.Count);
        foreach (var service in services?.Services ?? [])
        {
            var virtualText = service.Virtual ?? $"FWM:{service.FirewallMark}";
            foreach (var dest in service.Destinations)
            {
                byKey.Remove((service.Protocol, virtualText, dest.Address), out var states);
                result.Add(Create(service.Protocol, virtualText, dest.Address, dest.Forward, dest.Weight, dest.ActiveConn, dest.InActConn, states));
            }
        }

        foreach (var ((protocol, virtualText, destination), states) in byKey)
        {
            result.Add(Create(protocol, virtualText, destination, null, null, null, null, states));
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Virtual, b.Virtual) is var c and not 0 ? c : string.CompareOrdinal(a.Destination, b.Destination));
        return result;
    }

    private static RealServerSample Create(string protocol, string virtualText, string destination, string? forward, int? weight,
        long? active, long? inactive, IpvsDestinationStates? states)
    {
        var byState = states?.ByState ?? new StateCounts();
        byState.TryGetValue(SynRecvState, out var synRecv);
        return new RealServerSample(protocol, virtualText, destination, forward, weight, active, inactive, byState.Total(), synRecv,
            states?.Templates ?? 0, byState);
    }
}
