using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Dashboard.Agent.Transport;

/// <summary>
/// Retries a push on network errors, timeouts, 5xx, 408 and 429 with exponential backoff and jitter, waiting what the
/// server's Retry-After says when it says so. A Retry-After longer than <see cref="RetryPolicy.MaxRetryDelay"/> is not
/// waited for here: the reply goes back to the sender, which spools and leaves the server alone until then.
/// </summary>
public static class IngestRetryPipeline
{
    public static ResiliencePipeline<IngestReply> Create(RetryPolicy policy, TimeProvider? time = null)
    {
        var builder = new ResiliencePipelineBuilder<IngestReply>();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }

        if (policy.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<IngestReply>
            {
                MaxRetryAttempts = policy.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.BaseDelay,
                MaxDelay = policy.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, policy.MaxRetryDelay)),
                DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
            });
        }

        return builder.AddTimeout(policy.AttemptTimeout).Build();
    }

    private static bool ShouldRetry(Outcome<IngestReply> outcome, TimeSpan maxRetryDelay) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
        { Result: { Status: IngestStatus.Unavailable, RetryAfter: var after } } => after is null || after <= maxRetryDelay,
        _ => false,
    };
}
