namespace Dashboard.Agent.Transport;

public enum IngestStatus
{
    Stored,

    /// <summary>The server already had this (host, sequence): a replay after a lost answer. Delivered all the same.</summary>
    Duplicate,

    /// <summary>400/413/422: the server will never take this batch; it is dropped and counted.</summary>
    Rejected,

    /// <summary>401/403: the token is wrong or revoked; batches are kept until it is fixed.</summary>
    Unauthorized,

    /// <summary>5xx, 408, 429, or no answer: try again later.</summary>
    Unavailable,
}
