namespace Dashboard.Agent.Transport;

/// <summary>The server's answer to one push: what it means for the batch, the HTTP status, its details, and Retry-After.</summary>
public sealed record IngestReply(IngestStatus Status, int? HttpStatus, string Detail, TimeSpan? RetryAfter = null)
{
    public bool Delivered => Status is IngestStatus.Stored or IngestStatus.Duplicate;

    /// <summary>The answer came to a retry: a duplicate then means an earlier attempt was stored but its answer lost.</summary>
    public bool AfterRetry { get; init; }

    public override string ToString() =>
        HttpStatus is { } code ? $"HTTP {code} {Status.ToString().ToLowerInvariant()}{(Detail.Length > 0 ? ": " + Detail : "")}" : Detail;
}
