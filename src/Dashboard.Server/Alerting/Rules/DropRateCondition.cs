using System.Globalization;
using Dashboard.Server.Live;

namespace Dashboard.Server.Alerting.Rules;

/// <summary>Drops per second above the threshold: per rule of a known drop kind, per named rule, per chain, or per NSX filter and reason.</summary>
public sealed class DropRateCondition : IAlertCondition
{
    public string Kind => AlertRuleKinds.DropRate;

    public IEnumerable<AlertCandidate> Evaluate(AlertRule rule, AlertInputs inputs)
    {
        foreach (var host in inputs.Hosts.Where(h => h.IsHypervisor))
        {
            var found = rule.Selector switch
            {
                AlertRuleKinds.SelectDropKind => host.Rules.Where(r => rule.Matches(r.Rule.DropKind)).Select(r => PerRule(rule, inputs, host, r)),
                AlertRuleKinds.SelectRule => host.Rules.Where(r => rule.Matches(r.Rule.Identity) || rule.Matches(r.Rule.Comment)).Select(r => PerRule(rule, inputs, host, r)),
                AlertRuleKinds.SelectChain => PerChain(rule, inputs, host),
                AlertRuleKinds.SelectNsxReason => PerFilter(rule, inputs, host),
                _ => [],
            };
            foreach (var candidate in found.OfType<AlertCandidate>())
            {
                yield return candidate;
            }
        }
    }

    private static AlertCandidate? PerRule(AlertRule rule, AlertInputs inputs, HostSnapshot host, RuleLive r)
    {
        if (r.PacketsPerSecond <= rule.Threshold)
        {
            return null;
        }

        var f = r.Rule;
        var where = $"{f.Chain} #{f.Position} on {host.Name}";
        return AlertCandidate.Create(
            rule,
            rule.Severity ?? AlertSeverities.Warning,
            [
                .. inputs.Topology.LabelsOf(host.Name, f.NeutronPort),
                new(AlertLabels.Hypervisor, host.Name),
                new(AlertLabels.Port, f.NeutronPort),
                new(AlertLabels.Chain, f.Chain),
                new(AlertLabels.Rule, f.Identity),
                new(AlertLabels.DropKind, f.DropKind),
            ],
            AlertAnnotations.Of(
                $"{Rate(r.PacketsPerSecond)} dropped by {where} (threshold {Rate(rule.Threshold)})",
                $"{where}: {f.Target} \"{f.Comment ?? f.Spec}\", {Rate(r.PacketsPerSecond)}, {r.Packets} packets so far"),
            r.PacketsPerSecond);
    }

    private static IEnumerable<AlertCandidate?> PerChain(AlertRule rule, AlertInputs inputs, HostSnapshot host) =>
        host.Rules
            .Where(r => rule.Matches(r.Rule.Chain) && (r.Rule.DropKind is not null || r.Rule.Target is "DROP" or "REJECT"))
            .GroupBy(r => (r.Rule.Namespace, r.Rule.Chain))
            .Select(chain =>
            {
                var rate = chain.Sum(r => r.PacketsPerSecond);
                if (rate <= rule.Threshold)
                {
                    return null;
                }

                var port = chain.Select(r => r.Rule.NeutronPort).Distinct().SingleOrDefault();
                return AlertCandidate.Create(
                    rule,
                    rule.Severity ?? AlertSeverities.Warning,
                    [
                        .. inputs.Topology.LabelsOf(host.Name, port),
                        new(AlertLabels.Hypervisor, host.Name),
                        new(AlertLabels.Port, port),
                        new(AlertLabels.Chain, chain.Key.Chain),
                    ],
                    AlertAnnotations.Of(
                        $"{Rate(rate)} dropped in chain {chain.Key.Chain} on {host.Name} (threshold {Rate(rule.Threshold)})",
                        string.Join('\n', chain.Where(r => r.PacketsPerSecond > 0).Select(r => $"#{r.Rule.Position} {r.Rule.Target} \"{r.Rule.Comment ?? r.Rule.Spec}\": {Rate(r.PacketsPerSecond)}"))),
                    rate);
            });

    private static IEnumerable<AlertCandidate?> PerFilter(AlertRule rule, AlertInputs inputs, HostSnapshot host) =>
        host.NsxFilters.SelectMany(filter => filter.RatePerReason
            .Where(reason => rule.Matches(reason.Key) && reason.Value > rule.Threshold)
            .Select(reason => AlertCandidate.Create(
                rule,
                rule.Severity ?? AlertSeverities.Warning,
                [
                    .. inputs.Topology.LabelsOf(host.Name, filter.Filter.Name),
                    new(AlertLabels.Hypervisor, host.Name),
                    new(AlertLabels.Port, filter.Filter.Name),
                    new(AlertLabels.Reason, reason.Key),
                ],
                AlertAnnotations.Of(
                    $"NSX filter {filter.Filter.Name} on {host.Name} drops {Rate(reason.Value)} as {reason.Key} (threshold {Rate(rule.Threshold)})",
                    $"VM {filter.Filter.VmName ?? "?"}, vNIC {filter.Filter.VnicIndex?.ToString(CultureInfo.InvariantCulture) ?? "?"}: {reason.Key} {Rate(reason.Value)}, {filter.Filter.Counters.GetValueOrDefault(reason.Key)} so far"),
                reason.Value)));

    private static string Rate(double perSecond) => perSecond.ToString("0.##", CultureInfo.InvariantCulture) + "/s";
}
