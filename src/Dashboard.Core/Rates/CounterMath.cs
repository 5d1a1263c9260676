namespace Dashboard.Core.Rates;

/// <summary>Cumulative counters to increases and rates: a counter that goes down was reset, never a negative rate.</summary>
public static class CounterMath
{
    /// <summary>Increase from <paramref name="previous"/> to <paramref name="current"/>; after a reset the counter restarted at zero.</summary>
    public static ulong Increase(ulong previous, ulong current, out bool reset)
    {
        reset = current < previous;
        return reset ? current : current - previous;
    }

    /// <summary>Per-second rate over <paramref name="elapsed"/>; zero when no time passed.</summary>
    public static double Rate(ulong previous, ulong current, TimeSpan elapsed, out bool reset)
    {
        var increase = Increase(previous, current, out reset);
        return elapsed > TimeSpan.Zero ? increase / elapsed.TotalSeconds : 0;
    }
}
