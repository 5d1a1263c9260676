namespace Dashboard.Server.Alerting;

public static class AlertClock
{
    /// <summary>
    /// Now, cut to PostgreSQL's microseconds: times compared with what was stored must not differ by the rounding of the
    /// round trip, or a deadline read back lands a tick after itself.
    /// </summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
