using Dashboard.Core.Iptables;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Live;

/// <summary>
/// Puts the previous snapshot's objects in place of equal ones just read. Snapshots live until the host's next push, so
/// whatever a new one holds is copied by the young collections; the previous snapshot's parts are already old, and the
/// fresh copies they replace die young. Each push then keeps alive only what changed: the counters.
/// </summary>
public static class SnapshotReuse
{
    /// <summary>The previous push's text of the rule when Neutron rendered it the same, else the text just read.</summary>
    public static RuleText Rule(FlatRule fresh, RuleText? previous) =>
        previous is not null && previous == fresh.Text ? previous : fresh.Text;

    /// <summary>The ports, each replaced by the previous port of the same id when device, Open vSwitch facts and allowed pairs are the same.</summary>
    public static List<NeutronPort> Ports(IEnumerable<NeutronPort> fresh, IReadOnlyList<NeutronPort> previous)
    {
        var before = new Dictionary<string, NeutronPort>(previous.Count, StringComparer.Ordinal);
        foreach (var port in previous)
        {
            before.TryAdd(port.Port, port);
        }

        var result = new List<NeutronPort>(previous.Count);
        foreach (var port in fresh)
        {
            result.Add(before.GetValueOrDefault(port.Port) is { } old && SamePort(port, old) ? old : port);
        }

        return result;
    }

    private static bool SamePort(NeutronPort fresh, NeutronPort previous)
    {
        if (!string.Equals(fresh.Device, previous.Device, StringComparison.Ordinal) || fresh.AllowedPairs.Count != previous.AllowedPairs.Count
            || !string.Equals(fresh.PortId, previous.PortId, StringComparison.Ordinal) || !string.Equals(fresh.Mac, previous.Mac, StringComparison.Ordinal)
            || fresh.OfPort != previous.OfPort)
        {
            return false;
        }

        for (var i = 0; i < fresh.AllowedPairs.Count; i++)
        {
            if (!string.Equals(fresh.AllowedPairs[i].Address, previous.AllowedPairs[i].Address, StringComparison.Ordinal)
                || !string.Equals(fresh.AllowedPairs[i].Mac, previous.AllowedPairs[i].Mac, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
