using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Takes the rules (and policies) a dump printed without counters out of a batch before it is stored: an unknown counter
/// is not a sample, and a zero written in its place would later read as a reset or a jump. What was taken out is counted
/// on the dump, so the live state can say "counters missing" for the host.
/// </summary>
public static class UncountedRules
{
    /// <returns>How many rules were taken out.</returns>
    public static long Remove(AgentBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long removed = 0;
        foreach (var dump in batch.Iptables ?? [])
        {
            long fromDump = 0;
            foreach (var chain in dump.Tables.SelectMany(t => t.Chains))
            {
                fromDump += chain.Rules.RemoveAll(r => !r.HasCounters);
                if (chain.Policy is not null && !chain.HasCounters)
                {
                    // A policy row is stored only with its counters: without them the chain is kept for its rules alone.
                    chain.Policy = null;
                }
            }

            // The parser counted them already; a batch made by other means may carry only the nulls.
            dump.RulesWithoutCounters = Math.Max(dump.RulesWithoutCounters, fromDump);
            removed += fromDump;
        }

        return removed;
    }
}
