using System.Globalization;
using Dashboard.Core.Batches;
using Dashboard.Core.Nsx;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// An ESXi host's NSX distributed firewall: per vNIC filter the counters by reason (pass, drop, state-mismatch, match),
/// growing per push, and the hit counts of the section's rules.
/// </summary>
public sealed class NsxPayload : IPayloadSource
{
    private static readonly string[] s_reasons = ["pass", "drop", NsxReasonName.StateMismatch, "match"];
    private const int RuleCount = 40;

    /// <summary>How many reasons each filter counts.</summary>
    public static int Reasons => s_reasons.Length;

    private readonly Random _random;
    private readonly Filter[] _filters;
    private readonly ulong[] _ruleHits = new ulong[RuleCount];

    public NsxPayload(int index, int filters)
    {
        _random = new Random(9000 + index);
        _filters = Enumerable.Range(0, filters).Select(f =>
        {
            var world = 1_300_000 + index * 1000 + f;
            var rate = 5 + Math.Pow(_random.NextDouble(), 3) * 3000;
            return new Filter($"nic-{world}-eth0-vmware-sfw.2", world, $"vm-{index:D2}-{f:D3}",
                string.Create(CultureInfo.InvariantCulture, $"00:50:56:{index % 256:x2}:{f / 256:x2}:{f % 256:x2}"), rate, new ulong[s_reasons.Length]);
        }).ToArray();
    }

    public string Role => "nsx";

    public AgentBatch Next(string host, long sequence, DateTimeOffset collectedAt)
    {
        var stats = new NsxFirewallStats();
        foreach (var filter in _filters)
        {
            var passed = (ulong)(filter.PacketsPerSecond * 5 * (0.85 + _random.NextDouble() * 0.3));
            filter.Counters[0] += passed;
            filter.Counters[2] += passed / 2000;
            filter.Counters[3] += (ulong)_random.Next(0, 2);
            filter.Counters[1] = filter.Counters[2] + filter.Counters[3];
            var nsx = new NsxFilter
            {
                Name = filter.Name, WorldId = filter.World, VnicIndex = 0, Slot = 2, VmName = filter.VmName, Mac = filter.Mac,
                Header = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["fw-algorithm"] = "FP2", ["sessions"] = "12" },
            };
            for (var r = 0; r < s_reasons.Length; r++)
            {
                nsx.Counters[s_reasons[r]] = filter.Counters[r];
            }

            stats.Filters.Add(nsx);
        }

        for (var r = 0; r < RuleCount; r++)
        {
            _ruleHits[r] += (ulong)_random.Next(0, 500);
            stats.Rules.Add(new NsxRuleStats
            {
                RuleId = (1001 + r).ToString(CultureInfo.InvariantCulture), Packets = _ruleHits[r] * 9, Bytes = _ruleHits[r] * 9 * 700,
                Hits = _ruleHits[r], Sessions = _ruleHits[r] / 3,
            });
        }

        return new AgentBatch { Host = host, Sequence = sequence, CollectedAt = collectedAt, AgentVersion = "loadgen", Nsx = stats };
    }

    private sealed record Filter(string Name, long World, string VmName, string Mac, double PacketsPerSecond, ulong[] Counters);
}
