namespace Dashboard.Benchmarks.Soak;

/// <summary>Pushes of the simulated fleet answered 200, and those that were not (any other status, or no answer).</summary>
public sealed class PushCounters
{
    private long _succeeded;
    private long _failed;

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public void Count(bool succeeded)
    {
        if (succeeded)
        {
            Interlocked.Increment(ref _succeeded);
        }
        else
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
