using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Live;

/// <summary>
/// Puts the previous snapshot's objects in place of equal ones just read. Snapshots live until the host's next push, so
/// whatever a new one holds is copied by the young collections; the previous snapshot's parts are already old, and the
/// fresh copies they replace die young. Each push then keeps alive only what changed: the counters.
/// </summary>
public static class SnapshotReuse
{
    /// <summary>The real server with the previous sample's strings, and its state counts when they did not change.</summary>
    public static RealServerSample RealServer(RealServerSample fresh, RealServerSample? previous)
    {
        if (previous is null || !string.Equals(fresh.Destination, previous.Destination, StringComparison.Ordinal)
            || !string.Equals(fresh.Virtual, previous.Virtual, StringComparison.Ordinal)
            || !string.Equals(fresh.Protocol, previous.Protocol, StringComparison.Ordinal))
        {
            return fresh;
        }

        return fresh with
        {
            Protocol = previous.Protocol,
            Virtual = previous.Virtual,
            Destination = previous.Destination,
            Forward = Same(fresh.Forward, previous.Forward),
            ByState = SameCounts(fresh.ByState, previous.ByState) ? previous.ByState : fresh.ByState,
        };
    }

    /// <summary>The previous push's text of the rule when Neutron rendered it the same, else the text just read.</summary>
    public static IptablesSampleWriter.RuleText Rule(IptablesSampleWriter.FlatRule fresh, IptablesSampleWriter.RuleText? previous) =>
        previous is not null && previous == fresh.Text ? previous : fresh.Text;

    /// <summary>The ports, each replaced by the previous port of the same id when device and allowed pairs are the same.</summary>
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

    private static string? Same(string? fresh, string? previous) =>
        string.Equals(fresh, previous, StringComparison.Ordinal) ? previous : fresh;

    private static bool SameCounts(StateCounts fresh, StateCounts previous)
    {
        var a = fresh.Entries;
        var b = previous.Entries;
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].Value != b[i].Value || !string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SamePort(NeutronPort fresh, NeutronPort previous)
    {
        if (!string.Equals(fresh.Device, previous.Device, StringComparison.Ordinal) || fresh.AllowedPairs.Count != previous.AllowedPairs.Count)
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
