using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// The numbers a batch offers, counted from the batch itself and not from any table, so bytes per number compare across
/// storage layouts: per real server its state counts, active, inactive and weight; per virtual service its five traffic
/// counters and persistence; per iptables rule or chain policy packets and bytes; per NSX filter its reason counters; per
/// NSX rule packets, bytes, hits and sessions.
/// </summary>
public static class BatchNumbers
{
    public static long Count(AgentBatch batch)
    {
        long n = 0;
        if (batch.Ipvs is { } ipvs)
        {
            foreach (var rs in RealServerSample.Join(ipvs.Services, ipvs.Connections))
            {
                n += rs.ByState.Count + (rs.ActiveConn is null ? 0 : 1) + (rs.InActConn is null ? 0 : 1) + (rs.Weight is null ? 0 : 1);
            }

            foreach (var service in ipvs.Services?.Services ?? [])
            {
                n += (service.Stats is null ? 0 : 5) + (service.PersistentSeconds is null ? 0 : 1);
            }
        }

        foreach (var dump in batch.Iptables ?? [])
        {
            foreach (var chain in dump.Tables.SelectMany(t => t.Chains))
            {
                n += 2 * chain.Rules.Count + (chain.Policy is { Length: > 0 } p && p != "-" ? 2 : 0);
            }
        }

        if (batch.Nsx is { } nsx)
        {
            n += nsx.Filters.Sum(f => f.Counters.Count) + 4 * nsx.Rules.Count;
        }

        return n;
    }
}
