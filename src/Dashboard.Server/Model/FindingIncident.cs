using Dashboard.Server.Api;

namespace Dashboard.Server.Model;

/// <summary>Findings about one place (a director's VIP, else a hypervisor's port, else the host): the most severe on top, the rest folded under it.</summary>
public sealed record FindingIncident(string Key, FindingView Lead, IReadOnlyList<FindingView> Others)
{
    public static List<FindingIncident> Group(IEnumerable<FindingView> findings) =>
        findings
            .GroupBy(Place)
            .Select(g =>
            {
                var ordered = g.OrderByDescending(f => Rank(f.Severity)).ThenBy(f => f.StartedAt).ToList();
                return new FindingIncident(g.Key, ordered[0], ordered.Skip(1).ToList());
            })
            .OrderByDescending(i => Rank(i.Lead.Severity)).ThenByDescending(i => i.Others.Count).ThenBy(i => i.Lead.StartedAt)
            .ToList();

    private static string Place(FindingView f) =>
        f.Director is not null && f.Vip is not null ? $"vip|{f.Director}|{f.Vip}"
        : f.Hypervisor is not null && f.Port is not null ? $"port|{f.Hypervisor}|{f.Port}"
        : $"{f.Kind}|{f.Director}|{f.Hypervisor}|{f.RealServer}";

    private static int Rank(string severity) => severity switch { "critical" => 2, "warning" => 1, _ => 0 };
}
