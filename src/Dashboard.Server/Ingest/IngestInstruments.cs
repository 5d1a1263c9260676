using System.Diagnostics.Metrics;

namespace Dashboard.Server.Ingest;

/// <summary>
/// The ingest path's own measurements as platform instruments (System.Diagnostics.Metrics): the Prometheus page reads
/// them through a listener, and any OpenTelemetry exporter could take the same meter.
/// </summary>
public sealed class IngestInstruments
{
    public const string MeterName = "Dashboard.Ingest";
    public const string DurationName = "dashboard.ingest.duration";
    public const string OutcomeTag = "outcome";

    private readonly Histogram<double> _duration;
    private int _waiting;
    private SemaphoreSlim? _writeSlots;

    public IngestInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram<double>(DurationName, "s", "Time from a turn to write until the batch is committed and live");
    }

    /// <summary>Pushes waiting for a write turn now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Write turns in all, and how many are taken now (0 and 0 until the ingest service made its turns).</summary>
    public int WriteSlots { get; private set; }

    public int WritesInProgress => _writeSlots is { } slots ? WriteSlots - slots.CurrentCount : 0;

    /// <summary>The ingest service's write turns, watched here so readers of the figures need not know the service.</summary>
    public SemaphoreSlim Track(SemaphoreSlim writeSlots, int count)
    {
        (_writeSlots, WriteSlots) = (writeSlots, count);
        return writeSlots;
    }

    public void RecordDuration(TimeSpan elapsed, string outcome) =>
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(OutcomeTag, outcome));

    public void EnterWait() => Interlocked.Increment(ref _waiting);

    public void LeaveWait() => Interlocked.Decrement(ref _waiting);
}
