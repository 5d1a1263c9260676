using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Cli;

/// <summary>
/// The README's installation steps through the built server binary, as an administrator types them, while the server runs
/// on the same embedded data folder: `token create/list/revoke` and `user add … --password-stdin`, then the token and the
/// login used over HTTP.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed partial class InstallStepsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan s_generousWait = TimeSpan.FromMinutes(3);
    private readonly TemporaryDirectory _work = new();

    [Fact]
    public async Task TokenAndUserCommands_ServerRunningOnSameDataFolder_TokenIngestsUntilRevokedAndUserLogsIn()
    {
        // Arrange: the server on its own embedded PostgreSQL in a fresh data folder.
        var binary = BuiltServer.Locate();
        var dataDir = Path.Combine(_work.Path, "data");
        await using var server = BuiltServer.Start(_work.Path, null, $"--Dashboard:DataDir={dataDir}");
        try
        {
            await server.WaitUntilReadyAsync(s_generousWait);
            await InstallStepsAsync(binary, dataDir, server);
        }
        finally
        {
            // SIGTERM, so that the server stops the embedded PostgreSQL it started.
            await server.StopGracefullyAsync(s_generousWait);
        }
    }

    private async Task InstallStepsAsync(string binary, string dataDir, ServerProcess server)
    {
        using var agent = new HttpClient { BaseAddress = server.BaseAddress };

        // Act + Assert: a director token, printed as the last line, ingests.
        var created = await RunAsync(binary, dataDir, null, "token", "create", "--name", "lvs-a", "--role", "director");
        Assert.True(created.ExitCode == 0, created.ToString());
        var token = created.Stdout.TrimEnd().Split('\n')[^1].Trim();
        Assert.Matches(@"^\S{20,}$", token);
        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var accepted = await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-a", 1, DateTimeOffset.UtcNow, synRecv: 0, established: 5)))
        {
            Assert.Contains(accepted.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });
        }

        // `token list` shows it, active, and never its secret.
        var listed = await RunAsync(binary, dataDir, null, "token", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(TokenRow("lvs-a", "director", "active"), listed.Stdout);
        Assert.DoesNotContain(token, listed.Stdout + listed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(token[^12..], listed.Stdout + listed.Stderr, StringComparison.Ordinal);

        // `token revoke` ends it: the same token is refused (the server trusts a checked token for a few seconds), and the list says so.
        var revoked = await RunAsync(binary, dataDir, null, "token", "revoke", "lvs-a");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        var sinceRevoke = Stopwatch.StartNew();
        var statuses = new List<HttpStatusCode>();
        for (var sequence = 2; sinceRevoke.Elapsed < s_generousWait && statuses.LastOrDefault() != HttpStatusCode.Unauthorized; sequence++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            using var push = await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-a", sequence, DateTimeOffset.UtcNow, synRecv: 0, established: 5));
            statuses.Add(push.StatusCode);
        }

        output.WriteLine($"revoked token refused {sinceRevoke.Elapsed.TotalSeconds:0.0} s after `token revoke` exited");
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[^1]);
        Assert.All(statuses[..^1], status => Assert.Equal(HttpStatusCode.OK, status));

        Assert.Matches(TokenRow("lvs-a", "director", "revoked"), (await RunAsync(binary, dataDir, null, "token", "list")).Stdout);

        // `user add alice --role admin --password-stdin`, then the login form and its cookie open an admin-only endpoint.
        const string password = "correct horse battery staple";
        var added = await RunAsync(binary, dataDir, password + "\n", "user", "add", "alice", "--role", "admin", "--password-stdin");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.DoesNotContain(password, added.Stdout + added.Stderr, StringComparison.Ordinal);
        using var person = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = server.BaseAddress,
        };
        using (var anonymous = await person.GetAsync("api/v1/storage"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var form = await person.GetStringAsync("login");
        using var login = await person.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "alice",
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(form).Groups["value"].Value),
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        using var storage = await person.GetAsync("api/v1/storage");
        Assert.Equal(HttpStatusCode.OK, storage.StatusCode);
    }

    private static Regex TokenRow(string name, string role, string status) =>
        new($@"(?m)^{Regex.Escape(name)}\s+{Regex.Escape(role)}\s.*\b{status}\b");

    /// <summary>The built server binary with a command line, as `dotnet run --project src/Dashboard.Server -- …` runs it.</summary>
    private async Task<CliRun> RunAsync(string binary, string dataDir, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Dashboard__DataDir"] = dataDir;
        start.Environment.Remove("ConnectionStrings__Dashboard");
        var took = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(s_generousWait);
        await process.WaitForExitAsync(deadline.Token);
        var run = new CliRun(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
        output.WriteLine($"{run.Command}: exit {run.ExitCode} after {took.Elapsed.TotalSeconds:0.0} s");
        return run;
    }

    public void Dispose() => _work.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed record CliRun(string Command, int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"{Command}: exit {ExitCode}\n{Stdout}\n{Stderr}";
    }
}
