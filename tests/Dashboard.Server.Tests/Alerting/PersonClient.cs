using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>An HTTP client logged in as a person (viewer, operator, admin) through the real login form and its cookie.</summary>
public static partial class PersonClient
{
    public static async Task<HttpClient> LogInAsync(RunningDashboard server, string role)
    {
        var name = $"{role}-{Guid.NewGuid():N}"[..20];
        const string password = "correct horse battery staple";
        await new UserRepository(server.Services.GetRequiredService<DashboardDatabase>().DataSource).AddOrUpdateAsync(name, role, password, TestTimeout.Token());
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var form = await client.GetStringAsync("login");
        var token = AntiforgeryField().Match(form).Groups["value"].Value;
        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
        {
            throw new InvalidOperationException($"login as {role} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
