using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// The real server, in-process on a free loopback port (real Kestrel, real PostgreSQL, a fresh database), for tests that
/// talk HTTP to it or open it in a browser.
/// </summary>
public sealed class RunningDashboard : IAsyncDisposable
{
    private readonly PostgresDatabaseFixture? _database;
    private readonly string _connectionString;
    private readonly WebApplication _app;
    private bool _handedOver;
    private IReadOnlyList<string> _extraArgs = [];

    private RunningDashboard(PostgresDatabaseFixture? database, string connectionString, WebApplication app, Uri baseAddress)
    {
        _database = database;
        _connectionString = connectionString;
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;
    public string ConnectionString => _connectionString;

    public static async Task<RunningDashboard> StartAsync(IEnumerable<string>? extraArgs = null, Action<WebApplicationBuilder>? configure = null,
        PostgresDatabaseFixture? database = null, string url = "http://127.0.0.1:0", string? connectionString = null)
    {
        if (database is null && connectionString is null)
        {
            database = new PostgresDatabaseFixture();
            await database.InitializeAsync();
        }

        connectionString ??= database!.ConnectionString;
        var args = new List<string> { $"--urls={url}", $"--ConnectionStrings:Dashboard={connectionString}", "--Logging:LogLevel:Default=Warning" };
        args.AddRange(extraArgs ?? []);
        var app = DashboardApp.Build([.. args], configure);
        await app.StartAsync(TestTimeout.Token());
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningDashboard(database, connectionString, app, new Uri(address.TrimEnd('/') + "/")) { _extraArgs = [.. extraArgs ?? []] };
    }

    /// <summary>First half of a restart: the server goes away, its database and address stay reserved for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopForRestartAsync()
    {
        _handedOver = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Second half of a restart: a new instance on the same database and address.</summary>
    public Task<RunningDashboard> StartAgainAsync(IEnumerable<string>? extraArgs = null) =>
        StartAsync(extraArgs ?? _extraArgs, database: _database, url: BaseAddress.ToString().TrimEnd('/'), connectionString: _connectionString);

    /// <summary>Stops this instance and starts another on the same database and port (a server restart).</summary>
    public async Task<RunningDashboard> RestartAsync(IEnumerable<string>? extraArgs = null)
    {
        _handedOver = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
        return await StartAsync(extraArgs ?? _extraArgs, database: _database, url: BaseAddress.ToString().TrimEnd('/'), connectionString: _connectionString);
    }

    /// <summary>A token for tests that are not about host scopes: it speaks for every host unless a scope is given.</summary>
    public async Task<string> CreateTokenAsync(string role, string? name = null, HostScope? scope = null) =>
        await new TokenRepository(Services.GetRequiredService<DashboardDatabase>().DataSource)
            .CreateAsync(name ?? $"{role}-{Guid.NewGuid():N}", role, scope ?? HostScope.Any, TestTimeout.Token());

    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static Task<HttpResponseMessage> PushAsync(HttpClient client, AgentBatch batch) =>
        client.PostAsync("api/v1/ingest", JsonContent.Create(batch, DashboardJsonContext.Default.AgentBatch));

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
