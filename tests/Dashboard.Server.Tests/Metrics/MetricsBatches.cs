using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Nsx;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Metrics;

/// <summary>Batches with exact numbers for the Prometheus page: a director with one real server seen only in its connection table, an NSX host.</summary>
public static class MetricsBatches
{
    public const string Vip = "10.1.26.252:10051";
    public const string TableServer = "10.1.26.139:10051";
    public const string ConnectionOnlyServer = "10.1.26.141:10051";

    /// <summary>Two real servers in the table with <paramref name="synRecv"/> and <paramref name="established"/> each, and one seen only in the connections.</summary>
    public static AgentBatch Director(string host, long sequence, DateTimeOffset at, long synRecv, long established)
    {
        var batch = TestBatches.Director(host, sequence, at, synRecv, established, Vip);
        var extra = new IpvsDestinationStates { Virtual = Vip, Destination = ConnectionOnlyServer };
        extra.ByState["ESTABLISHED"] = 5;
        batch.Ipvs!.Connections!.Destinations.Add(extra);
        batch.Ipvs.Connections.Connections += 5;
        batch.Ipvs.Connections.ByState["ESTABLISHED"] += 5;
        return batch;
    }

    /// <summary>A director with <paramref name="count"/> real servers, for the series cap.</summary>
    public static AgentBatch WideDirector(string host, int count, DateTimeOffset at) =>
        TestBatches.Director(host, 1, at, 1, 2, Vip, [.. Enumerable.Range(1, count).Select(i => $"10.2.{i / 200}.{i % 200 + 1}:10051")]);

    public static AgentBatch Nsx(string host, long sequence, DateTimeOffset at, ulong drop, ulong stateMismatch) => new()
    {
        Host = host,
        Sequence = sequence,
        CollectedAt = at,
        Nsx = new NsxFirewallStats
        {
            Filters =
            [
                new NsxFilter
                {
                    Name = "nic-1371516-eth0-vmware-sfw.2", WorldId = 1371516, VnicIndex = 0, VmName = "lvs-director-01",
                    Counters = new(StringComparer.Ordinal) { ["pass"] = 90_000, ["drop"] = drop, ["state-mismatch"] = stateMismatch },
                },
            ],
        },
    };
}
