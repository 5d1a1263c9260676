using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Core.Nsx;

/// <summary>DFW dvfilter names, nic-&lt;world id&gt;-eth&lt;vNIC&gt;-vmware-sfw.&lt;slot&gt; (NSX-T administration guide, DFW datapath troubleshooting).</summary>
public static partial class NsxFilterName
{
    public static bool TryParse(string name, out long worldId, out int vnicIndex, out int slot)
    {
        worldId = vnicIndex = slot = 0;
        var match = DfwFilter().Match(name);
        return match.Success
            && long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out worldId)
            && int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out vnicIndex)
            && int.TryParse(match.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out slot);
    }

    /// <summary>A filter for that name with world id, vNIC index and slot filled in when the name is a DFW filter's.</summary>
    public static NsxFilter NewFilter(string name)
    {
        var filter = new NsxFilter { Name = name };
        if (TryParse(name, out var worldId, out var vnicIndex, out var slot))
        {
            filter.WorldId = worldId;
            filter.VnicIndex = vnicIndex;
            filter.Slot = slot;
        }

        return filter;
    }

    [GeneratedRegex(@"^nic-(\d{1,18})-eth(\d{1,9})-vmware-sfw\.(\d{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex DfwFilter();
}
