using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dashboard.Core.Batches;
using Dashboard.Core.Nsx;
using Dashboard.Server.Ingest;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Alerting;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Security;

/// <summary>
/// Every endpoint the server maps × anonymous, every user role and every token kind → the exact status each gets: the
/// success code where allowed (with a valid request for that principal), 401/403/the login page where not. Agent tokens are
/// bound to their own host, so ingest has a host and kind dimension too. The endpoint list comes from the running server: an
/// endpoint without a rule here fails, and so does a rule for an endpoint that no longer exists.
/// </summary>
public sealed partial class AccessMatrixTests
{
    private const string Director = "matrix-lvs";
    private const string Hypervisor = "matrix-hv";
    private const string Esx = "matrix-esx";
    private const string Vip = "10.1.26.252:10051";

    private static readonly string[] s_users = [KnownRoles.Viewer, KnownRoles.Operator, KnownRoles.Admin];
    private static readonly string[] s_principals = ["anonymous", .. s_users, .. KnownRoles.TokenRoles];

    /// <summary>Who may use each kind of endpoint.</summary>
    private static readonly Dictionary<string, string[]> s_access = new()
    {
        ["public"] = s_principals,
        ["ingest"] = [KnownRoles.Director, KnownRoles.Hypervisor, KnownRoles.Nsx],
        ["read"] = [KnownRoles.Reader, .. s_users],
        ["view"] = [.. s_users],
        ["wall"] = [KnownRoles.Wall, .. s_users],
        ["user"] = [.. s_users],
        ["operate"] = [KnownRoles.Operator, KnownRoles.Admin],
        ["admin"] = [KnownRoles.Admin],
    };

    /// <summary>The rule of every endpoint and what an allowed, valid request to it gets.</summary>
    private static readonly Dictionary<string, (string Rule, HttpStatusCode Allowed)> s_rules = new()
    {
        ["GET /healthz"] = ("public", HttpStatusCode.OK),
        ["GET /readyz"] = ("public", HttpStatusCode.OK),
        ["GET /openapi/{documentName}.json"] = ("public", HttpStatusCode.OK),
        ["GET /culture"] = ("public", HttpStatusCode.Redirect),
        ["POST /account/login"] = ("public", HttpStatusCode.Redirect),
        ["GET /login"] = ("public", HttpStatusCode.OK),
        ["POST /account/logout"] = ("user", HttpStatusCode.Redirect),
        ["POST /api/v1/ingest"] = ("ingest", HttpStatusCode.OK),
        ["POST /api/v1/ingest/raw/{format}"] = ("ingest", HttpStatusCode.OK),
        ["GET /api/v1/vips"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/hosts"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/limits"] = ("admin", HttpStatusCode.OK),
        ["GET /api/v1/hypervisors/{name}/drops"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/vips/{director}/series"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/hypervisors/{name}/drops/series"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/storage"] = ("admin", HttpStatusCode.OK),
        ["GET /metrics"] = ("read", HttpStatusCode.OK),
        ["GET /api-reference"] = ("view", HttpStatusCode.OK),
        ["POST /api-reference"] = ("view", HttpStatusCode.BadRequest),
        ["GET /api/v1/findings"] = ("read", HttpStatusCode.OK),
        ["GET /"] = ("view", HttpStatusCode.OK),
        ["GET /vip"] = ("view", HttpStatusCode.OK),
        ["GET /hypervisor"] = ("view", HttpStatusCode.OK),
        ["GET /findings"] = ("view", HttpStatusCode.OK),
        ["GET /wall"] = ("wall", HttpStatusCode.OK),
        // Page form posts carry no form of theirs here: the antiforgery check refuses them once authorization let them through.
        ["POST /"] = ("view", HttpStatusCode.BadRequest),
        ["POST /vip"] = ("view", HttpStatusCode.BadRequest),
        ["POST /hypervisor"] = ("view", HttpStatusCode.BadRequest),
        ["POST /findings"] = ("view", HttpStatusCode.BadRequest),
        ["POST /wall"] = ("wall", HttpStatusCode.BadRequest),
        ["POST /login"] = ("public", HttpStatusCode.BadRequest),
        ["GET /api/v1/alerts"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/alerts/{id:long}/history"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/silences"] = ("read", HttpStatusCode.OK),
        ["GET /api/v1/alerting/rules"] = ("read", HttpStatusCode.OK),
        // No alert fires on this server: an allowed acknowledgement reaches the endpoint and is told there is no such alert.
        ["POST /api/v1/alerts/{fingerprint}/ack"] = ("operate", HttpStatusCode.NotFound),
        ["POST /api/v1/silences"] = ("operate", HttpStatusCode.Created),
        ["DELETE /api/v1/silences/{id:long}"] = ("operate", HttpStatusCode.NoContent),
        ["GET /api/v1/alerting/channels"] = ("admin", HttpStatusCode.OK),
        ["POST /api/v1/alerting/channels/{name}/test"] = ("admin", HttpStatusCode.OK),
        ["GET /alerts"] = ("view", HttpStatusCode.OK),
        ["POST /alerts"] = ("view", HttpStatusCode.BadRequest),
        ["GET /silences"] = ("view", HttpStatusCode.OK),
        ["POST /silences"] = ("view", HttpStatusCode.BadRequest),
        ["GET /admin/channels"] = ("admin", HttpStatusCode.OK),
        ["POST /admin/channels"] = ("admin", HttpStatusCode.BadRequest),
        ["GET /admin/alert-rules"] = ("admin", HttpStatusCode.OK),
        ["GET /admin/storage"] = ("admin", HttpStatusCode.OK),
        ["POST /admin/storage"] = ("admin", HttpStatusCode.BadRequest),
        ["POST /admin/alert-rules"] = ("admin", HttpStatusCode.BadRequest),
    };

    private long _sequence;

    [Fact]
    public async Task EveryEndpoint_EveryPrincipal_ExactlyTheStatusTheRuleSays()
    {
        // Arrange
        await using var receiver = await ChatReceiver.StartAsync();
        await using var server = await RunningDashboard.StartAsync(
        [
            "--Dashboard:Alerting:Channels:0:Name=matrix-hook",
            "--Dashboard:Alerting:Channels:0:Kind=webhook",
            $"--Dashboard:Alerting:Channels:0:Url={receiver.Url("/hook")}",
            // Every principal tries the login form here, all from one address.
            "--Dashboard:Auth:MaxLoginsPerMinutePerAddress=100",
        ]);
        var endpoints = MappedEndpoints(server);
        var unruled = endpoints.Where(e => !s_rules.ContainsKey(e)).ToList();
        var stale = s_rules.Keys.Where(r => !endpoints.Contains(r)).ToList();
        Assert.True(unruled.Count == 0, "endpoints without an access rule: " + string.Join(", ", unruled));
        Assert.True(stale.Count == 0, "rules for endpoints that no longer exist: " + string.Join(", ", stale));
        var principals = await CreatePrincipalsAsync(server);
        await SeedAsync(principals);

        // Act
        var wrong = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var (rule, allowedStatus) = s_rules[endpoint];
            foreach (var who in s_principals)
            {
                var allowed = s_access[rule].Contains(who);
                var expected = allowed ? allowedStatus : Refused(who, endpoint);
                var (status, location) = await SendAsync(principals, who, endpoint);
                var loginRedirect = location?.Contains("/login", StringComparison.Ordinal) == true;
                if (status != expected || (!allowed && status == HttpStatusCode.Redirect && !loginRedirect))
                {
                    wrong.Add($"{endpoint} as {who}: expected {(int)expected}, got {(int)status} {location}");
                }

                if (endpoint == "POST /account/logout" && s_users.Contains(who))
                {
                    // The logout ended that session for good: the person signs in again for the endpoints after it.
                    principals[who] = await LoggedInAsync(server, $"matrix-{who}", "matrix password 1");
                }
            }
        }

        // The host and kind dimension: an agent token speaks only for its host and its role's kinds of data.
        var crossings = new (string Who, AgentBatch Batch, string What)[]
        {
            (KnownRoles.Director, TestBatches.Director("matrix-other", 1, DateTimeOffset.UtcNow, 60, 2), "director → another host"),
            (KnownRoles.Director, TestBatches.Hypervisor(Director, Next(), DateTimeOffset.UtcNow, 5), "director → iptables"),
            (KnownRoles.Hypervisor, TestBatches.Director(Hypervisor, Next(), DateTimeOffset.UtcNow, 60, 2), "hypervisor → IPVS"),
            (KnownRoles.Hypervisor, TestBatches.Hypervisor("matrix-hv-2", 1, DateTimeOffset.UtcNow, 5), "hypervisor → another host"),
            (KnownRoles.Nsx, TestBatches.Hypervisor(Esx, Next(), DateTimeOffset.UtcNow, 5), "nsx → iptables"),
            (KnownRoles.Nsx, TestBatches.Director(Esx, Next(), DateTimeOffset.UtcNow, 60, 2), "nsx → IPVS"),
        };
        foreach (var (who, batch, what) in crossings)
        {
            using var response = await RunningDashboard.PushAsync(principals[who], batch);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                wrong.Add($"POST /api/v1/ingest {what}: expected 403, got {(int)response.StatusCode}");
            }
        }

        using var rawOtherHost = await principals[KnownRoles.Director].PostAsync("api/v1/ingest/raw/ipvsadm-conn?host=matrix-other", new StringContent(Connections));
        using var rawForeignKind = await principals[KnownRoles.Nsx].PostAsync($"api/v1/ingest/raw/ipvsadm-conn?host={Esx}", new StringContent(Connections));
        if (rawOtherHost.StatusCode != HttpStatusCode.Forbidden || rawForeignKind.StatusCode != HttpStatusCode.Forbidden)
        {
            wrong.Add($"raw ingest across host or kind: {(int)rawOtherHost.StatusCode}, {(int)rawForeignKind.StatusCode} (expected 403, 403)");
        }

        // Assert
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.Equal(s_rules.Count, endpoints.Count);
    }

    /// <summary>What a principal outside the rule gets: anonymous 401 on the API and the scrape endpoint, the login page elsewhere;
    /// people's cookies on the agent endpoints 401 (only tokens are looked at there); every other identity 403.</summary>
    private static HttpStatusCode Refused(string who, string endpoint)
    {
        var api = endpoint.Contains(" /api/", StringComparison.Ordinal) || endpoint.EndsWith(" /metrics", StringComparison.Ordinal);
        if (who == "anonymous")
        {
            return api ? HttpStatusCode.Unauthorized : HttpStatusCode.Redirect;
        }

        return s_users.Contains(who) && endpoint.Contains("/api/v1/ingest", StringComparison.Ordinal) ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
    }

    private const string Connections = """
        IPVS connection entries
        pro expire state source virtual destination
        TCP 01:57 ESTABLISHED 10.0.19.92:37358 10.1.26.252:10051 10.1.26.139:10051

        """;

    private static List<string> MappedEndpoints(RunningDashboard server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/_", StringComparison.Ordinal) && !raw.StartsWith("_", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Normalize(string pattern) => "/" + pattern.Trim('/');

    private long Next() => Interlocked.Increment(ref _sequence);

    /// <summary>Data the read endpoints need to answer 200: a director, a hypervisor and an ESXi host that reported.</summary>
    private async Task SeedAsync(Dictionary<string, HttpClient> principals)
    {
        (await RunningDashboard.PushAsync(principals[KnownRoles.Director], TestBatches.Director(Director, Next(), DateTimeOffset.UtcNow.AddSeconds(-20), 0, 5))).EnsureSuccessStatusCode();
        (await RunningDashboard.PushAsync(principals[KnownRoles.Hypervisor], TestBatches.Hypervisor(Hypervisor, Next(), DateTimeOffset.UtcNow.AddSeconds(-20), 5))).EnsureSuccessStatusCode();
        (await RunningDashboard.PushAsync(principals[KnownRoles.Nsx], NsxBatch(DateTimeOffset.UtcNow.AddSeconds(-20)))).EnsureSuccessStatusCode();
    }

    private AgentBatch NsxBatch(DateTimeOffset at) => new()
    {
        Host = Esx,
        Sequence = Next(),
        CollectedAt = at,
        Nsx = new NsxFirewallStats { Filters = [new NsxFilter { Name = "nic-1-eth0-vmware-sfw.2", Counters = new(StringComparer.Ordinal) { ["drop"] = 3 } }] },
    };

    /// <summary>A valid request of this principal to this endpoint: its own host and kind of data for ingest, a live silence to end.</summary>
    private async Task<(HttpStatusCode Status, string? Location)> SendAsync(Dictionary<string, HttpClient> principals, string who, string endpoint)
    {
        var client = principals[who];
        var (method, pattern) = (endpoint[..endpoint.IndexOf(' ')], endpoint[(endpoint.IndexOf(' ') + 1)..]);
        var silence = pattern.Contains("{id:long}", StringComparison.Ordinal) && method == "DELETE" ? await CreateSilenceAsync(principals[KnownRoles.Admin]) : 1;
        var path = RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
        {
            "format" => who switch { KnownRoles.Hypervisor => "iptables-save", KnownRoles.Nsx => "nsx-filterstat", _ => "ipvsadm-conn" },
            "documentName" => "v1",
            "director" => Director,
            "id" => silence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "fingerprint" => "1a30ba71cca2921f",
            "name" => pattern.Contains("channels", StringComparison.Ordinal) ? "matrix-hook" : Hypervisor,
            _ => "x",
        }).TrimStart('/');
        path += path switch
        {
            _ when path.Contains("raw/", StringComparison.Ordinal) => $"?host={(who == KnownRoles.Hypervisor ? Hypervisor : who == KnownRoles.Nsx ? Esx : Director)}",
            _ when path.EndsWith("/series", StringComparison.Ordinal) => $"?virtual={Vip}",
            "culture" => "?c=en&redirect=/",
            _ => "",
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = path switch
            {
                "api/v1/ingest" => JsonContent.Create(who switch
                {
                    KnownRoles.Director => TestBatches.Director(Director, Next(), DateTimeOffset.UtcNow.AddSeconds(-10), 0, 5),
                    KnownRoles.Hypervisor => TestBatches.Hypervisor(Hypervisor, Next(), DateTimeOffset.UtcNow.AddSeconds(-10), 7),
                    _ => NsxBatch(DateTimeOffset.UtcNow.AddSeconds(-10)),
                }, DashboardJsonContext.Default.AgentBatch),
                _ when path.Contains("raw/iptables-save", StringComparison.Ordinal) => new StringContent("*filter\n:FORWARD ACCEPT [5:300]\n[10:600] -A FORWARD -j DROP\nCOMMIT\n"),
                _ when path.Contains("raw/nsx-filterstat", StringComparison.Ordinal) => new StringContent("nic-1371516-eth0-vmware-sfw.2\n  pass : 583221\n  drop : 1876\n  State-mismatch : 1870\n"),
                _ when path.Contains("raw/", StringComparison.Ordinal) => new StringContent(Connections),
                "api/v1/silences" => JsonContent.Create(new { matchers = $"director=\"{Director}\"", comment = "matrix", durationMinutes = 5 }),
                _ when path.StartsWith("api/", StringComparison.Ordinal) => JsonContent.Create(new { comment = "matrix" }),
                "account/login" => await LoginFormAsync(client),
                "account/logout" => await LogoutFormAsync(client),
                // Pages take forms, as a forged cross-site form would send them.
                _ => new FormUrlEncodedContent(new Dictionary<string, string> { ["probe"] = "1" }),
            };
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Headers.Location?.OriginalString);
    }

    private static async Task<long> CreateSilenceAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync("api/v1/silences", new { matchers = $"director=\"{Director}\"", comment = "to end", durationMinutes = 5 });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>A real login attempt with a wrong password: the answer is the login page again, for everyone.</summary>
    private static async Task<HttpContent> LoginFormAsync(HttpClient client) => new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["name"] = "nobody",
        ["password"] = "wrong password",
        ["returnUrl"] = "/",
        ["__RequestVerificationToken"] = await AntiforgeryAsync(client, "login"),
    });

    private static async Task<HttpContent> LogoutFormAsync(HttpClient client) => new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = await AntiforgeryAsync(client, "login"),
    });

    private static async Task<string> AntiforgeryAsync(HttpClient client, string page) =>
        WebUtility.HtmlDecode(AntiforgeryField().Match(await client.GetStringAsync(page)).Groups[1].Value);

    private static async Task<Dictionary<string, HttpClient>> CreatePrincipalsAsync(RunningDashboard server)
    {
        var principals = new Dictionary<string, HttpClient> { ["anonymous"] = NoRedirects(server, null) };
        principals[KnownRoles.Director] = NoRedirects(server, await server.CreateTokenAsync(KnownRoles.Director, "matrix-director", HostScope.ForHost(Director)));
        principals[KnownRoles.Hypervisor] = NoRedirects(server, await server.CreateTokenAsync(KnownRoles.Hypervisor, "matrix-hypervisor", HostScope.ForHost(Hypervisor)));
        principals[KnownRoles.Nsx] = NoRedirects(server, await server.CreateTokenAsync(KnownRoles.Nsx, "matrix-nsx", HostScope.ForHost(Esx)));
        principals[KnownRoles.Reader] = NoRedirects(server, await server.CreateTokenAsync(KnownRoles.Reader));
        principals[KnownRoles.Wall] = NoRedirects(server, await server.CreateTokenAsync(KnownRoles.Wall));
        var users = new UserRepository(server.Services.GetRequiredService<DashboardDatabase>().DataSource);
        foreach (var role in s_users)
        {
            var name = $"matrix-{role}";
            await users.AddOrUpdateAsync(name, role, "matrix password 1", TestTimeout.Token());
            principals[role] = await LoggedInAsync(server, name, "matrix password 1");
        }

        return principals;
    }

    private static HttpClient NoRedirects(RunningDashboard server, string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    private static async Task<HttpClient> LoggedInAsync(RunningDashboard server, string name, string password)
    {
        var client = NoRedirects(server, null);
        using var login = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = await AntiforgeryAsync(client, "login"),
        }));
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        return client;
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
