using Dashboard.Agent.Configuration;

namespace Dashboard.Agent.Transport;

/// <summary>The retry numbers of one push, from <see cref="PushOptions"/> (tests use shorter ones).</summary>
public sealed record RetryPolicy(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxRetryDelay, TimeSpan AttemptTimeout)
{
    public static RetryPolicy From(PushOptions options) => new(
        options.MaxRetries,
        TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
        TimeSpan.FromSeconds(options.MaxRetryDelaySeconds),
        TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
}
