using System.Net;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// A wall display that is (re)opened while the database is away gets 503; nobody stands at a wall to press reload, so
/// the answer must make the browser try again by itself, and the sign-in must work once the database is back.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class WallSignInOutageTests
{
    [Fact]
    public async Task WallSignIn_DatabaseDown_503TellsTheBrowserToRetryThenSignsInOnceBack()
    {
        // Arrange: a server on its own PostgreSQL, a wall token the server has never checked.
        await using var own = await OwnDatabaseServer.StartAsync();
        var server = own.Server;
        var wallToken = await server.CreateTokenAsync(KnownRoles.Wall);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        // Act
        await own.StopDatabaseAsync();
        using var during = await browser.GetAsync($"wall?token={wallToken}");
        await own.StartDatabaseAgainAsync();
        using var after = await browser.GetAsync($"wall?token={wallToken}");

        // Assert: a Refresh header is what makes a browser load the page again on its own (Retry-After is for programs).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.True(during.Headers.TryGetValues("Refresh", out var refresh), "503 without a Refresh header: the wall stays on the error page");
        Assert.InRange(int.Parse(refresh.Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/wall", after.Headers.Location?.OriginalString);
    }
}
