using System.Net;
using System.Text.Json;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Api;

/// <summary>
/// The API table in src/Dashboard.Server/Api/README.md and the OpenAPI document the server generates agree both ways:
/// the same operations, the same answers, and "who may call it" as the endpoint's authorization says.
/// </summary>
public sealed class ApiTableTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    /// <summary>How the table names each authorization policy.</summary>
    private static readonly Dictionary<string, string> s_who = new()
    {
        [""] = "anyone",
        [DashboardPolicies.Ingest] = "agent tokens",
        [DashboardPolicies.ReadApi] = "reader tokens, users",
        [DashboardPolicies.View] = "users",
        [DashboardPolicies.Operate] = "operators, admins",
        [DashboardPolicies.Administer] = "admins",
    };

    [Fact]
    public async Task ApiTable_AgainstOpenApiDocument_SameOperationsAnswersAndCallers()
    {
        // Arrange
        using var client = fixture.Server.CreateClient();
        using var response = await client.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var table = ReadTable();

        // Act: one row per operation of the document, as the table should have it.
        var expected = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                var answers = string.Join(", ", operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
                var summary = operation.Value.TryGetProperty("summary", out var s) ? s.GetString() : null;
                Assert.False(string.IsNullOrWhiteSpace(summary), $"{method} {path.Name} has no summary in the document");
                expected[$"{method} {path.Name}"] = new Row(method, path.Name, Who(method, path.Name), answers, summary!);
            }
        }

        // Assert
        var missing = expected.Keys.Except(table.Keys).Order(StringComparer.Ordinal).ToList();
        var extra = table.Keys.Except(expected.Keys).Order(StringComparer.Ordinal).ToList();
        var differing = expected.Keys.Intersect(table.Keys)
            .Where(k => table[k].Who != expected[k].Who || table[k].Answers != expected[k].Answers)
            .Select(k => $"{k}: table says who '{table[k].Who}', answers '{table[k].Answers}'; the server says '{expected[k].Who}', '{expected[k].Answers}'")
            .ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && differing.Count == 0,
            $"missing from the table: {string.Join("; ", missing)}\nnot in the document: {string.Join("; ", extra)}\n{string.Join("\n", differing)}\n" +
            "rows the document asks for:\n" + string.Join("\n", expected.Values.OrderBy(r => r.Path, StringComparer.Ordinal)
                .Select(r => $"| {r.Method} | `{r.Path}` | {r.Who} | {r.Answers} | {r.Returns} |")));
        Assert.True(table.Count >= 20, $"only {table.Count} rows read from the table");
    }

    [Fact]
    public async Task ApiReferencePage_LoggedInViewer_ListsEveryOperationOfTheDocument()
    {
        // Arrange
        using var viewer = await Dashboard.Server.Tests.Alerting.PersonClient.LogInAsync(fixture.Server, KnownRoles.Viewer);

        // Act
        var page = System.Net.WebUtility.HtmlDecode(await viewer.GetStringAsync("api-reference"));
        using var refused = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress }
            .GetAsync("api-reference");

        // Assert
        foreach (var row in ReadTable().Values)
        {
            Assert.Contains($"<code>{row.Path}</code>", page);
        }

        Assert.Contains("Prometheus exposition of live VIPs", page);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/login", refused.Headers.Location!.OriginalString);
    }

    /// <summary>The caller rule of the endpoint behind an operation, from its authorization metadata.</summary>
    private string Who(string method, string path)
    {
        var endpoint = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => Normalize(e.RoutePattern.RawText ?? "") == path
                && (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method) ?? false));
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return s_who[""];
        }

        var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().LastOrDefault(a => a.Policy is not null)?.Policy ?? "";
        return s_who.TryGetValue(policy, out var who) ? who : $"policy {policy}";
    }

    /// <summary>Route constraints ({id:long}) are not part of the document's paths.</summary>
    private static string Normalize(string pattern) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(pattern.Trim('/'), @"\{([^}:]+):[^}]+\}", "{$1}");

    private static Dictionary<string, Row> ReadTable()
    {
        var file = Path.Combine(RepositoryRoot(), "src", "Dashboard.Server", "Api", "README.md");
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file))
        {
            var cells = line.Split('|').Select(c => c.Trim().Trim('`').Trim()).ToArray();
            if (cells.Length < 7 || cells[1] is not ("GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
            {
                continue;
            }

            var row = new Row(cells[1], cells[2], cells[3], cells[4], cells[5]);
            Assert.True(rows.TryAdd($"{row.Method} {row.Path}", row), $"the table lists {row.Method} {row.Path} twice");
        }

        return rows;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record Row(string Method, string Path, string Who, string Answers, string Returns);
}
