namespace Dashboard.Agent.Tests.Shared;

/// <summary>How the test receiver answers one request.</summary>
public sealed record ServerAnswer(ServerAnswerKind Kind, int StatusCode = 200, int? RetryAfterSeconds = null)
{
    public static ServerAnswer Accept { get; } = new(ServerAnswerKind.Accept);

    public static ServerAnswer Status(int code, int? retryAfterSeconds = null) => new(ServerAnswerKind.Status, code, retryAfterSeconds);

    /// <summary>Never answers: the client's attempt timeout has to fire.</summary>
    public static ServerAnswer Hang { get; } = new(ServerAnswerKind.Hang);

    /// <summary>Stores the batch, then never answers: the client retries and is told "duplicate".</summary>
    public static ServerAnswer StoreThenHang { get; } = new(ServerAnswerKind.StoreThenHang);
}
