using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// The runtime's allocation ticks (one event per ~100 KB allocated, naming the type that crossed the mark) summed by
/// type: a sampled picture of what this process allocates most, which is what its GC pauses are paid for.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null)
        {
            return;
        }

        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string : null;
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        _bytes.AddOrUpdate(type ?? "?", amount, (_, sum) => sum + amount);
    }

    /// <summary>The types with the most sampled bytes, with their share of all sampled bytes.</summary>
    public IReadOnlyList<(string Type, double Share)> Top(int count)
    {
        var total = (double)_bytes.Values.Sum();
        return total == 0 ? [] : _bytes.OrderByDescending(kv => kv.Value).Take(count).Select(kv => (kv.Key, kv.Value / total)).ToList();
    }
}
