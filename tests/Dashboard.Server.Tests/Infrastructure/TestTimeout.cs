namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>Cancellation for one test, so that a hung database call fails the test instead of hanging the run.</summary>
public static class TestTimeout
{
    public static CancellationToken Token(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
