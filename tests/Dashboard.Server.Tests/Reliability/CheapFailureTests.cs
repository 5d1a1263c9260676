using System.Net;
using System.Net.Sockets;
using System.Text;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Alerting;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// Issue #23 row 12: a flood of made-up bearer tokens costs at most the per-address allowance of database look-ups and a
/// line or two of log; a slow body's 408 is one information line, not an exception.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CheapFailureTests(ITestOutputHelper output)
{
    private static readonly string[] s_productionLogging =
        ["--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Microsoft.AspNetCore=Warning", "--Dashboard:Ingest:MaxFailedAuthPerMinutePerAddress=30"];

    [Fact]
    public async Task RandomBearerTokens_TwoThousand_AtMostTheAllowanceLookedUpThen429AndAFewLogLines()
    {
        // Arrange
        var logs = new RecordingLoggerProvider();
        await using var server = await RunningDashboard.StartAsync(s_productionLogging, b => b.Logging.AddProvider(logs));
        using var known = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(known, TestBatches.Director("cheap", 1, DateTimeOffset.UtcNow, 0, 1))).StatusCode);
        var validator = server.Services.GetRequiredService<TokenValidator>();
        var lookupsBefore = validator.Lookups;
        var linesBefore = logs.Lines.Count;

        // Act
        var statuses = new Dictionary<HttpStatusCode, int>();
        using var client = server.CreateClient();
        for (var i = 0; i < 2000; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", TokenSecrets.NewToken());
            using var response = await client.SendAsync(request);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        var knownStillWorks = await RunningDashboard.PushAsync(known, TestBatches.Director("cheap", 2, DateTimeOffset.UtcNow, 0, 1));
        var lookups = validator.Lookups - lookupsBefore;
        var lines = logs.Lines.Skip(linesBefore).Where(l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)).ToList();
        output.WriteLine($"2000 made-up tokens: {string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}"))}; {lookups} database look-ups; {lines.Count} log lines");
        foreach (var line in lines)
        {
            output.WriteLine("  " + line);
        }

        // Assert
        // 30 a minute: a run that crosses a minute boundary may spend a second allowance.
        var refusedAfterLookUp = statuses[HttpStatusCode.Unauthorized];
        Assert.InRange(refusedAfterLookUp, 30, 60);
        Assert.Equal(2000 - refusedAfterLookUp, statuses[(HttpStatusCode)429]);
        Assert.Equal(refusedAfterLookUp, lookups);
        Assert.Equal(HttpStatusCode.OK, knownStillWorks.StatusCode);
        Assert.InRange(lines.Count(l => l.Contains("Bearer", StringComparison.Ordinal) || l.Contains("authenticat", StringComparison.OrdinalIgnoreCase)), 1, 2);
        Assert.True(lines.Count < 10, string.Join(Environment.NewLine, lines));
    }

    [Fact]
    public async Task SlowBody_408_OneInformationLineAndNoException()
    {
        // Arrange
        var logs = new RecordingLoggerProvider();
        await using var server = await RunningDashboard.StartAsync(s_productionLogging, b => b.Logging.AddProvider(logs));
        var token = await server.CreateTokenAsync(KnownRoles.Director);
        var linesBefore = logs.Lines.Count;

        // Act: a declared 100 kB body sent one byte a second, below Kestrel's minimum rate of 240 bytes/s after its 5 s grace.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/ingest HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        var reading = stream.ReadAsync(buffer).AsTask();
        for (var i = 0; i < 60 && !reading.IsCompleted; i++)
        {
            try
            {
                await stream.WriteAsync("{"u8.ToArray());
            }
            catch (IOException)
            {
                break;
            }

            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1)));
        }

        var read = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        await Poll.UntilAsync("a log line naming the 408", () => logs.Lines.Skip(linesBefore).Any(l => l.Contains("408", StringComparison.Ordinal)));
        var lines = logs.Lines.Skip(linesBefore).Where(l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)).ToList();
        output.WriteLine(answer.ToString().Split("\r\n")[0]);
        foreach (var line in lines)
        {
            output.WriteLine("  " + line);
        }

        // Assert
        Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("408", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Exception", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.StartsWith("Information", l, StringComparison.Ordinal));
    }
}
