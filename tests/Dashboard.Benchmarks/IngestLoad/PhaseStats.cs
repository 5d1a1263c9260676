namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>Every push of one phase, and the wall time it took; summaries are computed from all of them, not sampled.</summary>
public sealed class PhaseStats(string name)
{
    private readonly List<PushResult> _results = [];
    private readonly Lock _lock = new();

    public string Name => name;

    /// <summary>From the phase's start until its last answer arrived.</summary>
    public TimeSpan Wall { get; set; }

    /// <summary>Pushes that started more than a second after they were due (the server answered an earlier one too late).</summary>
    public int Late { get; set; }

    public void Add(PushResult result)
    {
        lock (_lock)
        {
            _results.Add(result);
        }
    }

    public int Pushes => _results.Count;

    public int Stored => _results.Count(r => r.Stored);

    public long Rows => _results.Sum(r => (long)r.Rows);

    /// <summary>Numbers carried by the stored pushes (<see cref="BatchNumbers"/>).</summary>
    public long Numbers => _results.Sum(r => r.Numbers);

    public double RowsPerSecond => Wall > TimeSpan.Zero ? Rows / Wall.TotalSeconds : 0;

    public double PushesPerSecond => Wall > TimeSpan.Zero ? Stored / Wall.TotalSeconds : 0;

    public double MeanWireKiB => _results.Count == 0 ? 0 : _results.Average(r => r.WireBytes) / 1024;

    /// <summary>Client-side cost of building and serializing one batch; it shares the machine with the server.</summary>
    public double MeanPrepareMs => _results.Count == 0 ? 0 : _results.Average(r => r.Prepare.TotalMilliseconds);

    public string Errors => _results.Count(r => !r.Stored) is var n and > 0
        ? $"{n} ({string.Join(", ", _results.Where(r => !r.Stored).GroupBy(r => r.Error).Select(g => $"{g.Key} ×{g.Count()}"))})"
        : "0";

    /// <summary>Nearest-rank percentile of the acknowledgement latency of stored pushes, in milliseconds.</summary>
    public double LatencyMs(double percentile)
    {
        var sorted = _results.Where(r => r.Stored).Select(r => r.Latency.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>p50 and p99 of the acknowledgement latency per pushing role, in milliseconds.</summary>
    public IReadOnlyList<(string Role, int Pushes, double P50Ms, double P99Ms)> LatencyByRole()
    {
        lock (_lock)
        {
            return _results.Where(r => r.Stored).GroupBy(r => r.Role).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var sorted = g.Select(r => r.Latency.TotalMilliseconds).Order().ToArray();
                double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
                return (g.Key, sorted.Length, At(0.5), At(0.99));
            }).ToList();
        }
    }

    /// <summary>p99 of the pushes sent in each window of the phase: a periodic stall (a rollup pass, a GC) shows as a spike.</summary>
    public IReadOnlyList<(TimeSpan From, int Pushes, double P99Ms)> P99ByWindow(TimeSpan window)
    {
        lock (_lock)
        {
            return _results.Where(r => r.Stored)
                .GroupBy(r => (long)(r.SentAt / window))
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var sorted = g.Select(r => r.Latency.TotalMilliseconds).Order().ToArray();
                    return (window * g.Key, sorted.Length, sorted[Math.Clamp((int)Math.Ceiling(0.99 * sorted.Length) - 1, 0, sorted.Length - 1)]);
                })
                .ToList();
        }
    }
}
