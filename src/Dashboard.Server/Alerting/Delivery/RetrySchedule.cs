namespace Dashboard.Server.Alerting.Delivery;

// Not Polly: the schedule lives in the outbox row and must survive restarts, which an in-process retry loop does not.
/// <summary>Exponential backoff with jitter: attempt n waits between half and all of min(max, initial · 2^(n-1)).</summary>
public static class RetrySchedule
{
    public static TimeSpan Delay(int failedAttempts, AlertDeliveryOptions options, double random, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ceiling = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromMilliseconds(ceiling / 2 + random * ceiling / 2);
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }
}
