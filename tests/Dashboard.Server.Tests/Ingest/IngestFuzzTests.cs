using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>
/// Hostile and broken bodies against the real ingest endpoint: each gets a 4xx or is stored whole, never a 5xx, never
/// half-stored, and the server keeps serving.
/// </summary>
public sealed class IngestFuzzTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    public const int MutatedCases = 300;
    private const int KitMutations = 200;

    [Fact]
    public async Task Ingest_MutatedAndHostileBodies_FourXxOrStoredWholeAndServerUnaffected()
    {
        // Arrange
        var server = fixture.Server;
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var random = new Random(20261121);
        var valid = JsonSerializer.SerializeToUtf8Bytes(
            TestBatches.Director("fuzz", 1, DateTimeOffset.UtcNow, 3, 40, "10.9.0.1:80", "10.9.0.11:80", "10.9.0.12:80", "10.9.0.13:80"),
            DashboardJsonContext.Default.AgentBatch);
        var cases = new List<(string Name, byte[] Body)>
        {
            ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000))),
            ("deep object nesting", Encoding.UTF8.GetBytes("{\"host\":\"fuzz\",\"ipvs\":" + string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3001))),
            ("invalid UTF-8", [.. Encoding.UTF8.GetBytes("{\"host\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\",\"sequence\":5}")]),
            ("huge number", Encoding.UTF8.GetBytes("{\"host\":\"fuzz\",\"sequence\":1" + new string('0', 400) + ",\"collectedAt\":\"2026-01-01T00:00:00Z\"}")),
            ("wrong types", Encoding.UTF8.GetBytes("{\"host\":42,\"sequence\":\"seven\",\"collectedAt\":true}")),
            ("empty", []),
            ("null", Encoding.UTF8.GetBytes("null")),
            ("array", Encoding.UTF8.GetBytes("[1,2,3]")),
            ("NUL bytes", [.. valid[..20], 0, 0, 0, .. valid[20..]]),
            ("control characters in host", Encoding.UTF8.GetBytes("{\"host\":\"a\\u0000b\",\"sequence\":1,\"collectedAt\":\"" + DateTimeOffset.UtcNow.ToString("O") + "\"}")),
        };
        for (var i = 0; i < MutatedCases; i++)
        {
            cases.Add(($"mutation {i}", Mutate(valid, random, i)));
        }

        // The parsers' fuzzing kit on the same body: its named damage (a 10 MB line included), then stacked random edits.
        var kit = new InputMutator(20261206);
        cases.AddRange(kit.Catalogue(valid, randomRounds: 20).Select(m => ($"kit {m.Name}", m.Bytes)));
        for (var i = 0; i < KitMutations; i++)
        {
            cases.Add(($"kit mutation {i}", kit.Mutate(valid)));
        }

        // Act
        var statuses = new Dictionary<HttpStatusCode, int>();
        var stored = new HashSet<(string Token, long Sequence)>();
        // Several agent tokens, so the per-token rate limit (tested elsewhere) does not answer instead of the parser.
        var agents = new List<HttpClient>();
        for (var t = 0; t <= cases.Count / 100; t++)
        {
            agents.Add(server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, $"fuzz-agent-{t}")));
        }

        foreach (var ((name, body), index) in cases.Select((c, index) => (c, index)))
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await agents[index / 100].PostAsync("api/v1/ingest", content);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge,
                $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (answer.GetProperty("status").GetString() == "stored")
                {
                    stored.Add(($"fuzz-agent-{index / 100}", answer.GetProperty("sequence").GetInt64()));
                }
            }
        }

        // Assert: what was stored is exactly the accepted batches, each whole; the server still answers.
        await using var conn = await server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        // Sequences belong to the token that sent them: what each fuzzing token stored is in the journal once, under that token.
        var journal = (await conn.QueryAsync<(string Host, long Sequence, int Rows, string Token)>(
            "select host, sequence, row_count, token_name from ingest_batches where source = 'agent' and token_name like 'fuzz-agent-%'")).ToList();
        Assert.Equal(stored.Count, journal.Count);
        Assert.All(journal, j => Assert.Contains((j.Token, j.Sequence), stored));
        foreach (var (host, sequence, rows, _) in journal)
        {
            var written = await conn.ExecuteScalarAsync<long>("""
                select (select count(*) from ipvs_rs_samples s join ingest_batches b on b.host = s.director and b.collected_at = s.collected_at
                        where b.host = @host and b.sequence = @sequence)
                     + (select count(*) from ipvs_service_samples s join ingest_batches b on b.host = s.director and b.collected_at = s.collected_at
                        where b.host = @host and b.sequence = @sequence)
                """, new { host, sequence });
            Assert.True(written >= rows, $"{host}#{sequence}: journal says {rows} rows, {written} stored");
        }

        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("healthz")).StatusCode);
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > cases.Count / 2, "most mutations should be refused: " + string.Join(", ", statuses));
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(agent, TestBatches.Director("fuzz-after", 1, DateTimeOffset.UtcNow, 1, 1))).StatusCode);
    }

    /// <summary>Issue #23 rows 3, 5 and 11: values that JSON typing lets through but no agent can mean.</summary>
    [Fact]
    public async Task Ingest_OutOfRangeAndLookAlikeValues_400NamingTheFieldNothingStoredNever5xx()
    {
        // Arrange
        var server = fixture.Server;
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var now = DateTimeOffset.UtcNow.ToString("O");
        string Batch(string host, string sequence = "1", string dropped = "0", string ipvs = "") =>
            $"{{\"host\":\"{host}\",\"sequence\":{sequence},\"collectedAt\":\"{now}\",\"droppedBatches\":{dropped}{ipvs}}}";
        const string Services = ",\"ipvs\":{\"services\":{\"services\":[{\"protocol\":\"TCP\",\"virtual\":\"VIP\",\"destinations\":[{\"address\":\"RS\",\"activeConn\":ACTIVE}]}]}}";
        string Ipvs(string vip = "10.7.0.1:80", string rs = "10.7.0.11:80", string active = "1") =>
            Services.Replace("VIP", vip).Replace("RS", rs).Replace("ACTIVE", active);
        var cases = new (string Name, string Body, string Field)[]
        {
            ("sequence 2^63-1", Batch("edge-a", sequence: "9223372036854775807"), "sequence"),
            ("sequence 2^53", Batch("edge-a", sequence: "9007199254740992"), "sequence"),
            ("sequence 0", Batch("edge-a", sequence: "0"), "sequence"),
            ("droppedBatches near 2^63", Batch("edge-a", dropped: "9223372036854775000"), "droppedBatches"),
            ("negative droppedBatches", Batch("edge-a", dropped: "-1"), "droppedBatches"),
            ("negative active connections", Batch("edge-a", ipvs: Ipvs(active: "-7")), "$.ipvs.services.services[0].destinations[0].activeConn"),
            ("markup in a VIP", Batch("edge-a", ipvs: Ipvs(vip: "10.7.0.1:80<img src=x>")), "$.ipvs.services.services[0].virtual"),
            ("space in a real server", Batch("edge-a", ipvs: Ipvs(rs: "10.7.0.11:80 onload")), "$.ipvs.services.services[0].destinations[0].address"),
            ("U+202E in a host", Batch("\\u202Ea-svl"), "host"),
            ("U+200B in a host", Batch("lvs\\u200B-a"), "host"),
            ("U+2066 in a host", Batch("lvs\\u2066-a"), "host"),
            ("U+FEFF in a host", Batch("\\uFEFFlvs-a"), "host"),
            ("markup in a host", Batch("lvs-a<b>"), "host"),
            ("space in a host", Batch("lvs a"), "host"),
            ("Cyrillic look-alike host", Batch("lvs-\u0430"), "host"),
        };

        // Act and assert
        foreach (var (name, body, field) in cases)
        {
            using var response = await agent.PostAsync("api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {text}");
            var fields = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            Assert.True(fields.Contains(field), $"{name}: errors name {string.Join(", ", fields)}, not {field}");
        }

        var rawBidi = await agent.PostAsync("api/v1/ingest/raw/ipvsadm?host=%E2%80%AEa-svl", new StringContent("IP Virtual Server version 1.2.1 (size=4096)\n"));
        await using var conn = await server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        Assert.Equal(HttpStatusCode.BadRequest, rawBidi.StatusCode);
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from ingest_batches where host = 'edge-a' or host like '%a-svl' or host like 'lvs%-a'"));
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(agent, TestBatches.Director("edge-after", 1, DateTimeOffset.UtcNow, 1, 1))).StatusCode);
    }

    [Fact]
    public async Task Ingest_HundredMegabyteBody_413AndServerUnaffected()
    {
        // Arrange: a 100 MB body streamed, never held whole by the client.
        var server = fixture.Server;
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var content = new StreamContent(new RepeatingStream("{\"host\":\"big\",\"pad\":\""u8.ToArray(), (byte)'x', 100L * 1024 * 1024));
        content.Headers.ContentType = new("application/json");

        // Act
        HttpStatusCode status;
        try
        {
            using var response = await agent.PostAsync("api/v1/ingest", content);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server may close the connection once the limit is passed; the check below is what matters.
            status = HttpStatusCode.RequestEntityTooLarge;
        }

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("healthz")).StatusCode);
    }

    private static byte[] Mutate(byte[] valid, Random random, int i)
    {
        var body = valid.ToArray();
        switch (i % 6)
        {
            case 0:
                return body[..random.Next(1, body.Length)];
            case 1:
                for (var k = 0; k < 1 + random.Next(5); k++)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                return body;
            case 2:
                var text = Encoding.UTF8.GetString(body);
                var number = System.Text.RegularExpressions.Regex.Matches(text, ":(\\d+)");
                if (number.Count > 0)
                {
                    var m = number[random.Next(number.Count)];
                    text = text[..m.Index] + (random.Next(3) switch { 0 => ":-1", 1 => ":18446744073709551616", _ => ":1e400" }) + text[(m.Index + m.Length)..];
                }

                return Encoding.UTF8.GetBytes(text);
            case 3:
                var cut = random.Next(body.Length);
                return [.. body[..cut], .. body[cut..], .. body[..random.Next(body.Length)]];
            case 4:
                return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"sequence\":1", $"\"sequence\":{2 + i}").Replace("\"host\":\"fuzz\"", $"\"host\":\"fuzz-{i}\""));
            default:
                return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("{", "{\"extra\":[" + random.Next() + "],", StringComparison.Ordinal));
        }
    }

    /// <summary>A prefix then one byte repeated up to a length, generated as it is read.</summary>
    private sealed class RepeatingStream(byte[] prefix, byte fill, long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < prefix.Length ? prefix[at] : fill;
            }

            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
