namespace Dashboard.Agent.Tests.Shared;

/// <summary>A wall clock the test moves by hand (spool ages, Retry-After pauses); timers and timestamps stay real.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
