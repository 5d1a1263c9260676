namespace Dashboard.Server.Live;

/// <summary>
/// Coalesces bursts of change signals into at most one callback per interval; the last signal is never lost.
/// </summary>
public sealed class CallbackThrottler : IDisposable
{
    private readonly Func<Task> _callback;
    private readonly TimeSpan _minInterval;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private DateTimeOffset _lastRun = DateTimeOffset.MinValue;
    private bool _scheduled;
    private bool _disposed;

    public CallbackThrottler(Func<Task> callback, TimeSpan minInterval, TimeProvider clock)
    {
        _callback = callback;
        _minInterval = minInterval;
        _clock = clock;
    }

    public void Signal()
    {
        lock (_gate)
        {
            if (_scheduled || _disposed)
            {
                return;
            }

            _scheduled = true;
            var wait = _lastRun + _minInterval - _clock.GetUtcNow();
            _timer?.Dispose();
            _timer = _clock.CreateTimer(_ => _ = RunAsync(), null, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task RunAsync()
    {
        lock (_gate)
        {
            _scheduled = false;
            _lastRun = _clock.GetUtcNow();
            if (_disposed)
            {
                return;
            }
        }

        try
        {
            await _callback();
        }
        catch (ObjectDisposedException)
        {
            // The view went away between the signal and the refresh.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
