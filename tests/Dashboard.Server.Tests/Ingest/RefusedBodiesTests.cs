using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Server.Ingest;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>
/// A body the server refuses leaves no row in any table: every table of the schema, partitions included, is counted
/// before and after, around a good body that is stored in between.
/// </summary>
public sealed class RefusedBodiesTests(ITestOutputHelper output)
{
    private const int MaxBodyBytes = 64 * 1024;

    [Fact]
    public async Task Ingest_RefusedBodies_NoRowInAnyTableWhileAGoodBodyInBetweenIsStored()
    {
        // Arrange: the server's clock stands still, so no rollup, sweep or evaluation writes on its own while rows are counted.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await RunningDashboard.StartAsync(
            [$"--Dashboard:Ingest:MaxBodyBytes={MaxBodyBytes}", "--Dashboard:Ingest:MaxRequestsPerMinutePerToken=1000000"],
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var dataSource = server.Services.GetRequiredService<DashboardDatabase>().DataSource;
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, "refused-agent"));
        using var scoped = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, "refused-scoped", HostScope.ForHost("refused-own")));
        var at = clock.GetUtcNow();
        var good = TestBatches.Director("refused-good", 1, at, 2, 40, "10.9.1.1:80", "10.9.1.11:80", "10.9.1.12:80");
        var refused = RefusedCases(good, at);
        var before = await CountRowsAsync(dataSource);

        // Act
        var firstRound = await SendAllAsync(agent, scoped, refused);
        var afterFirstRound = await CountRowsAsync(dataSource);
        using var stored = await RunningDashboard.PushAsync(agent, good);
        var afterGood = await CountRowsAsync(dataSource);
        var secondRound = await SendAllAsync(agent, scoped, refused);
        var afterSecondRound = await CountRowsAsync(dataSource);
        output.WriteLine($"{refused.Count} refused bodies twice, {before.Count} tables counted; the good body added: "
            + string.Join(", ", afterGood.Where(t => t.Value != afterFirstRound.GetValueOrDefault(t.Key)).Select(t => $"{t.Key} +{t.Value - afterFirstRound.GetValueOrDefault(t.Key)}")));

        // Assert: each body got the refusal it was built for.
        Assert.All(firstRound.Concat(secondRound), r => Assert.True(r.Wanted == r.Got, $"{r.Name}: wanted {(int)r.Wanted}, got {(int)r.Got} {r.Body}"));

        // Assert: the refused bodies left no row (nor table) behind, before and after the good one.
        AssertSameRows("before the good body", before, afterFirstRound);
        AssertSameRows("after the good body", afterGood, afterSecondRound);

        // Assert: the good body in between was stored, so the counts above would have seen rows.
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Contains("\"stored\"", await stored.Content.ReadAsStringAsync());
        Assert.Equal(afterFirstRound["ingest_batches"] + 1, afterGood["ingest_batches"]);
        Assert.True(afterGood["frames_raw"] > afterFirstRound["frames_raw"], "the good body left no frame");
    }

    /// <summary>Bodies refused at every stage: transport (size, encoding), JSON, validation, and the token's host scope.</summary>
    private static List<RefusedCase> RefusedCases(AgentBatch good, DateTimeOffset at)
    {
        var valid = JsonSerializer.SerializeToUtf8Bytes(TestBatches.Director("refused-bad", 7, at, 2, 40, "10.9.1.1:80", "10.9.1.11:80"), DashboardJsonContext.Default.AgentBatch);
        var now = at.ToString("O");
        string Batch(string host, string sequence = "1", string dropped = "0", string ipvs = "") =>
            $"{{\"host\":\"{host}\",\"sequence\":{sequence},\"collectedAt\":\"{now}\",\"droppedBatches\":{dropped}{ipvs}}}";
        // Two good real servers and one bad one in the same body: the good ones must not be stored either.
        const string MixedIpvs = ",\"ipvs\":{\"services\":{\"services\":[{\"protocol\":\"TCP\",\"virtual\":\"10.9.2.1:80\",\"destinations\":["
            + "{\"address\":\"10.9.2.11:80\",\"activeConn\":5},{\"address\":\"10.9.2.12:80\",\"activeConn\":6},{\"address\":\"10.9.2.13:80\",\"activeConn\":-7}]}]}}";
        var cases = new List<RefusedCase>
        {
            new("empty", [], HttpStatusCode.BadRequest),
            new("null", "null"u8.ToArray(), HttpStatusCode.BadRequest),
            new("array", "[1,2,3]"u8.ToArray(), HttpStatusCode.BadRequest),
            new("wrong types", Encoding.UTF8.GetBytes("{\"host\":42,\"sequence\":\"seven\",\"collectedAt\":true}"), HttpStatusCode.BadRequest),
            new("invalid UTF-8", [.. "{\"host\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\",\"sequence\":5}"u8.ToArray()], HttpStatusCode.BadRequest),
            new("NUL bytes", [.. valid[..20], 0, 0, 0, .. valid[20..]], HttpStatusCode.BadRequest),
            new("deep nesting", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), HttpStatusCode.BadRequest),
            new("sequence 0", Encoding.UTF8.GetBytes(Batch("refused-bad", sequence: "0")), HttpStatusCode.BadRequest),
            new("negative droppedBatches", Encoding.UTF8.GetBytes(Batch("refused-bad", dropped: "-1")), HttpStatusCode.BadRequest),
            new("look-alike host", Encoding.UTF8.GetBytes(Batch("refused-b\u0430d")), HttpStatusCode.BadRequest),
            new("control character in the host", Encoding.UTF8.GetBytes(Batch("refused\\u0000bad")), HttpStatusCode.BadRequest),
            new("one bad real server among good ones", Encoding.UTF8.GetBytes(Batch("refused-mixed", ipvs: MixedIpvs)), HttpStatusCode.BadRequest),
            new("the good body's next sequence, one bad field", Encoding.UTF8.GetBytes(Batch(good.Host, sequence: "2", ipvs: MixedIpvs)), HttpStatusCode.BadRequest),
            new("unsupported Content-Encoding", valid, HttpStatusCode.BadRequest, Encoding: "br"),
            new("corrupt gzip", valid, HttpStatusCode.BadRequest, Encoding: "gzip"),
            new("over the size limit", Padded(valid, MaxBodyBytes + 1), HttpStatusCode.RequestEntityTooLarge),
            new("gzip bomb", Gzip(Padded(valid, 64 * MaxBodyBytes)), HttpStatusCode.RequestEntityTooLarge, Encoding: "gzip"),
            new("a host outside the token's scope", valid, HttpStatusCode.Forbidden, Scoped: true),
            new("raw output for a bidi host", "IP Virtual Server version 1.2.1 (size=4096)\n"u8.ToArray(), HttpStatusCode.BadRequest,
                Path: "api/v1/ingest/raw/ipvsadm?host=%E2%80%AErefused"),
        };

        // Cut anywhere before its last byte, a JSON object is never whole: each cut is refused.
        var random = new Random(20261206);
        for (var i = 0; i < 20; i++)
        {
            cases.Add(new($"truncated {i}", valid[..random.Next(1, valid.Length)], HttpStatusCode.BadRequest));
        }

        return cases;
    }

    private static async Task<List<(string Name, HttpStatusCode Wanted, HttpStatusCode Got, string Body)>> SendAllAsync(
        HttpClient agent, HttpClient scoped, IEnumerable<RefusedCase> cases)
    {
        var answers = new List<(string, HttpStatusCode, HttpStatusCode, string)>();
        foreach (var c in cases)
        {
            using var content = new ByteArrayContent(c.Body);
            content.Headers.ContentType = new(c.Path.Contains("/raw/", StringComparison.Ordinal) ? "text/plain" : "application/json");
            if (c.Encoding is not null)
            {
                content.Headers.ContentEncoding.Add(c.Encoding);
            }

            using var response = await (c.Scoped ? scoped : agent).PostAsync(c.Path, content);
            answers.Add((c.Name, c.Wanted, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        return answers;
    }

    /// <summary>Rows of every table of the schema (partitioned parents and each partition), by name.</summary>
    private static async Task<Dictionary<string, long>> CountRowsAsync(NpgsqlDataSource dataSource)
    {
        const string Tables = """
            select c.relname
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')
            order by c.relname
            """;
        await using var conn = await dataSource.OpenConnectionAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await conn.QueryAsync<string>(Tables))
        {
            counts[table] = await conn.ExecuteScalarAsync<long>($"select count(*) from public.\"{table}\"");
        }

        return counts;
    }

    private static void AssertSameRows(string when, Dictionary<string, long> before, Dictionary<string, long> after)
    {
        Assert.True(before.Keys.Order().SequenceEqual(after.Keys.Order()),
            $"{when}: tables changed: new {string.Join(", ", after.Keys.Except(before.Keys))}; gone {string.Join(", ", before.Keys.Except(after.Keys))}");
        Assert.All(before, table => Assert.True(table.Value == after[table.Key],
            $"{when}: table {table.Key} had {table.Value} rows before the refused bodies and {after[table.Key]} after"));
    }

    /// <summary>The body with a padding field added, so that it is valid JSON of the given size or more.</summary>
    private static byte[] Padded(byte[] valid, int size) =>
        [.. "{\"pad\":\""u8.ToArray(), .. Enumerable.Repeat((byte)'x', size), .. "\","u8.ToArray(), .. valid[1..]];

    private static byte[] Gzip(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            gzip.Write(body);
        }

        return buffer.ToArray();
    }

    private sealed record RefusedCase(string Name, byte[] Body, HttpStatusCode Wanted, string? Encoding = null, bool Scoped = false,
        string Path = "api/v1/ingest");
}
