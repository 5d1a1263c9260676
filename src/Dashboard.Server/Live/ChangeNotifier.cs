namespace Dashboard.Server.Live;

/// <summary>Tells subscribers that something changed, each through its own throttle, so bursts become one refresh.</summary>
public sealed class ChangeNotifier(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private CallbackThrottler[] _subscribers = [];

    public int Count => _subscribers.Length;

    public IDisposable Subscribe(Func<Task> onChanged, TimeSpan minInterval)
    {
        var throttler = new CallbackThrottler(onChanged, minInterval, clock);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, throttler];
        }

        return new Subscription(this, throttler);
    }

    public void Notify()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Signal();
        }
    }

    private void Remove(CallbackThrottler throttler)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != throttler).ToArray();
        }

        throttler.Dispose();
    }

    private sealed class Subscription(ChangeNotifier owner, CallbackThrottler throttler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(throttler);
            }
        }
    }
}
