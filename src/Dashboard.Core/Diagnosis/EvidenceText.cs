using System.Globalization;
using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Diagnosis;

/// <summary>Numbers written the same way in every finding.</summary>
public static class EvidenceText
{
    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.##" : "0", CultureInfo.InvariantCulture) + "/s";

    public static string Ratio(double ratio) => ratio.ToString("P0", CultureInfo.InvariantCulture);

    public static Evidence RealServer(RealServerSample rs) =>
        new($"SYN_RECV on {rs.Destination}", $"{rs.SynRecv} of {rs.Connections} connections ({Ratio(rs.SynRecvRatio)})");

    public static Evidence Rule(RuleRate rule, string hypervisor) =>
        new($"{hypervisor} {rule.Chain} #{rule.Position}", $"{rule.Comment ?? rule.Target} — {Rate(rule.PacketsPerSecond)}, {rule.Packets} packets in total");

    public static IEnumerable<Evidence> Sources(DirectorView director, string vip) =>
        director.TopSynRecvSources.Where(s => s.Virtual == vip).Take(3)
            .Select(s => new Evidence($"SYN_RECV from {s.Client}", $"{s.Connections} connections"));
}
