namespace Dashboard.Agent.Configuration;

/// <summary>How hard one push tries before the batch goes to the spool.</summary>
public sealed class PushOptions
{
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public int RetryBaseDelayMilliseconds { get; set; } = 500;

    /// <summary>A Retry-After longer than this is not waited for inside one push: the batch is spooled and the server left alone until then.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 30;

    public int RequestTimeoutSeconds { get; set; } = 10;
}
