using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Security;

/// <summary>
/// Every endpoint the server maps × anonymous, every user role and every token kind → allowed or refused.
/// The endpoint list comes from the running server, so an endpoint added without an access rule here fails the test.
/// </summary>
public sealed partial class AccessMatrixTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private static readonly string[] s_users = [KnownRoles.Viewer, KnownRoles.Operator, KnownRoles.Admin];
    private static readonly string[] s_tokens = KnownRoles.TokenRoles;

    /// <summary>Who may use each kind of endpoint; everyone else gets 401 (no identity), 403 (wrong role) or the login page.</summary>
    private static readonly Dictionary<string, string[]> s_access = new()
    {
        ["public"] = ["anonymous", .. s_users, .. s_tokens],
        ["ingest"] = [KnownRoles.Director, KnownRoles.Hypervisor, KnownRoles.Nsx],
        ["read"] = [KnownRoles.Reader, .. s_users],
        ["view"] = [.. s_users],
        ["wall"] = [KnownRoles.Wall, .. s_users],
        ["user"] = [.. s_users],
        ["operate"] = [KnownRoles.Operator, KnownRoles.Admin],
        ["admin"] = [KnownRoles.Admin],
    };

    /// <summary>The rule of every endpoint, by method and route pattern.</summary>
    private static readonly Dictionary<string, string> s_rules = new()
    {
        ["GET /healthz"] = "public",
        ["GET /readyz"] = "public",
        ["GET /openapi/{documentName}.json"] = "public",
        ["GET /culture"] = "public",
        ["POST /account/login"] = "public",
        ["GET /login"] = "public",
        ["POST /account/logout"] = "user",
        ["POST /api/v1/ingest"] = "ingest",
        ["POST /api/v1/ingest/raw/{format}"] = "ingest",
        ["GET /api/v1/vips"] = "read",
        ["GET /api/v1/hosts"] = "read",
        ["GET /api/v1/hypervisors/{name}/drops"] = "read",
        ["GET /api/v1/vips/{director}/series"] = "read",
        ["GET /api/v1/hypervisors/{name}/drops/series"] = "read",
        ["GET /api/v1/storage"] = "admin",
        ["GET /api/v1/findings"] = "read",
        ["GET /metrics"] = "read",
        ["GET /api-reference"] = "view",
        ["POST /api-reference"] = "view",
        ["GET /"] = "view",
        ["GET /vip"] = "view",
        ["GET /hypervisor"] = "view",
        ["GET /findings"] = "view",
        ["GET /wall"] = "wall",
        ["POST /"] = "view",
        ["POST /vip"] = "view",
        ["POST /hypervisor"] = "view",
        ["POST /findings"] = "view",
        ["POST /wall"] = "wall",
        ["POST /login"] = "public",
        ["GET /api/v1/alerts"] = "read",
        ["GET /api/v1/alerts/{id:long}/history"] = "read",
        ["GET /api/v1/silences"] = "read",
        ["GET /api/v1/alerting/rules"] = "read",
        ["POST /api/v1/alerts/{fingerprint}/ack"] = "operate",
        ["POST /api/v1/silences"] = "operate",
        ["DELETE /api/v1/silences/{id:long}"] = "operate",
        ["GET /api/v1/alerting/channels"] = "admin",
        ["POST /api/v1/alerting/channels/{name}/test"] = "admin",
        ["GET /alerts"] = "view",
        ["POST /alerts"] = "view",
        ["GET /silences"] = "view",
        ["POST /silences"] = "view",
        ["GET /admin/channels"] = "admin",
        ["POST /admin/channels"] = "admin",
        ["GET /admin/alert-rules"] = "admin",
        ["POST /admin/alert-rules"] = "admin",
    };

    private RunningDashboard Server => fixture.Server;

    [Fact]
    public async Task EveryEndpoint_EveryPrincipal_AllowedOnlyWhereTheRuleSays()
    {
        // Arrange
        var endpoints = MappedEndpoints();
        var unruled = endpoints.Where(e => !s_rules.ContainsKey(e)).ToList();
        Assert.True(unruled.Count == 0, "endpoints without an access rule: " + string.Join(", ", unruled));
        var principals = await CreatePrincipalsAsync();

        // Act
        var wrong = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var allowed = s_access[s_rules[endpoint]];
            foreach (var (who, client) in principals)
            {
                var (status, location) = await SendAsync(client, endpoint);
                var refused = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    || (status == HttpStatusCode.Redirect && location?.Contains("/login", StringComparison.Ordinal) == true);
                if (allowed.Contains(who) == refused)
                {
                    wrong.Add($"{endpoint} as {who}: {(int)status} {location}");
                }
            }
        }

        // Assert
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.True(endpoints.Count >= s_rules.Count - 1, $"only {endpoints.Count} endpoints found");
    }

    private List<string> MappedEndpoints() =>
        Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/_", StringComparison.Ordinal) && !raw.StartsWith("_", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Normalize(string pattern) => "/" + pattern.Trim('/');

    private async Task<(HttpStatusCode Status, string? Location)> SendAsync(HttpClient client, string endpoint)
    {
        var (method, pattern) = (endpoint[..endpoint.IndexOf(' ')], endpoint[(endpoint.IndexOf(' ') + 1)..]);
        var path = RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
        {
            "format" => "iptables-save",
            "documentName" => "v1",
            "director" => "lvs-a",
            "id" => "1",
            "fingerprint" => "1a30ba71cca2921f",
            _ => "compute-07",
        }).TrimStart('/');
        using var request = new HttpRequestMessage(new HttpMethod(method), path + (path.Contains("raw/") ? "?host=matrix" : ""));
        if (method is "POST" or "PUT")
        {
            // The API takes JSON; pages and account endpoints take forms, as a forged cross-site form would send them.
            request.Content = path.StartsWith("api/", StringComparison.Ordinal)
                ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(new Dictionary<string, string> { ["probe"] = "1" });
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Headers.Location?.OriginalString);
    }

    private async Task<List<(string Who, HttpClient Client)>> CreatePrincipalsAsync()
    {
        var principals = new List<(string, HttpClient)> { ("anonymous", NoRedirects(null)) };
        foreach (var role in s_tokens)
        {
            principals.Add((role, NoRedirects(await Server.CreateTokenAsync(role))));
        }

        var users = new UserRepository(Server.Services.GetRequiredService<DashboardDatabase>().DataSource);
        foreach (var role in s_users)
        {
            var name = $"matrix-{role}";
            await users.AddOrUpdateAsync(name, role, "matrix password 1", TestTimeout.Token());
            principals.Add((role, await LoggedInAsync(name, "matrix password 1")));
        }

        return principals;
    }

    private HttpClient NoRedirects(string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    private async Task<HttpClient> LoggedInAsync(string name, string password)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = Server.BaseAddress };
        var form = await client.GetStringAsync("login");
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        using var login = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = antiforgery,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        return client;
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
