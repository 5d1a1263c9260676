namespace Dashboard.Agent.Tests.Shared;

public enum ServerAnswerKind
{
    Accept,
    Status,
    Hang,
    StoreThenHang,
}
