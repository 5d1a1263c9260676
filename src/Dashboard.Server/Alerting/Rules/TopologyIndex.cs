using Dashboard.Core.Diagnosis;

namespace Dashboard.Server.Alerting.Rules;

/// <summary>
/// Which director, VIP and real server a hypervisor port or NSX filter belongs to, so that drop alerts join the
/// incident of the VIP they hurt (grouping by director and vip) instead of a group of their own.
/// </summary>
public sealed class TopologyIndex
{
    public static readonly TopologyIndex Empty = new([]);

    private readonly Dictionary<(string Hypervisor, string Port), List<Place>> _places;

    private TopologyIndex(Dictionary<(string, string), List<Place>> places) => _places = places;

    public static TopologyIndex Build(FleetView fleet, Inventory inventory)
    {
        var topology = Topology.Infer(fleet, inventory);
        var places = new Dictionary<(string, string), List<Place>>();
        foreach (var director in fleet.Directors)
        {
            var filter = topology.DirectorFilter(director.Host);
            foreach (var vip in director.Vips)
            {
                if (topology.DirectorPort(director, vip) is { } port)
                {
                    Add(places, port.Hypervisor, port.Port, new Place(director.Host, vip.Virtual, null));
                }

                if (filter is not null)
                {
                    Add(places, filter.Hypervisor, filter.Filter, new Place(director.Host, vip.Virtual, null));
                }

                foreach (ref readonly var rs in vip.RealServers.Rows)
                {
                    if (topology.RealServerPort(rs.Destination) is { } rsPort)
                    {
                        Add(places, rsPort.Hypervisor, rsPort.Port, new Place(director.Host, vip.Virtual, rs.Destination));
                    }
                }
            }
        }

        return new TopologyIndex(places);
    }

    /// <summary>Director, vip and real_server labels of a port: all three when it serves one VIP, the director alone when several.</summary>
    public IEnumerable<KeyValuePair<string, string?>> LabelsOf(string hypervisor, string? port)
    {
        if (port is null || !_places.TryGetValue((hypervisor, port), out var places))
        {
            yield break;
        }

        var distinct = places.Distinct().ToList();
        if (distinct.Count == 1)
        {
            yield return new(AlertLabels.Director, distinct[0].Director);
            yield return new(AlertLabels.Vip, distinct[0].Vip);
            yield return new(AlertLabels.RealServer, distinct[0].RealServer);
        }
        else if (distinct.Select(p => p.Director).Distinct(StringComparer.Ordinal).Count() == 1)
        {
            yield return new(AlertLabels.Director, distinct[0].Director);
        }
    }

    private static void Add(Dictionary<(string, string), List<Place>> places, string hypervisor, string port, Place place)
    {
        if (!places.TryGetValue((hypervisor, port), out var list))
        {
            places[(hypervisor, port)] = list = [];
        }

        list.Add(place);
    }

    private sealed record Place(string Director, string Vip, string? RealServer);
}
