using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Infrastructure;

/// <summary>One running server (fresh database) per test class, opening findings at once as the browser tests' server does.</summary>
public sealed class PileUpServer : IAsyncLifetime
{
    public RunningDashboard Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningDashboard.StartAsync(["--Dashboard:Diagnosis:For=00:00:00"]);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
