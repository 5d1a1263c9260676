namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>One running server (fresh database) shared by the tests of a class.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public RunningDashboard Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningDashboard.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
