namespace Dashboard.Server.Tests.Alerting;

public enum ReceiverMode
{
    /// <summary>Answer as the chat system does on success.</summary>
    Answer,

    /// <summary>HTTP 500.</summary>
    Fail,

    /// <summary>Never answer; the client times out.</summary>
    Hang,
}
