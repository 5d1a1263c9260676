namespace Dashboard.Server.Tests.Alerting;

public enum ReceiverMode
{
    /// <summary>Answer as the chat system does on success.</summary>
    Answer,

    /// <summary>HTTP 500.</summary>
    Fail,

    /// <summary>Never answer; the client times out.</summary>
    Hang,

    /// <summary>Take the request and hold it open until <see cref="ChatReceiver.Release"/>, then answer as on success.</summary>
    Hold,

    /// <summary>HTTP 400 whose body repeats the request, URL token included, as some services' error pages do.</summary>
    FailEchoingRequest,
}
