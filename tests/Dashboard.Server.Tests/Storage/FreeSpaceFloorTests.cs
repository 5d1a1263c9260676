using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Dashboard.Agent.Transport;
using Dashboard.Core.Diagnosis;
using Dashboard.Core.Storage;
using Dashboard.Server.Ingest;
using Dashboard.Server.Hosting;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Storage;

/// <summary>
/// The built server on a real 300 MiB tmpfs as its data folder (embedded PostgreSQL included): filled with a ballast file
/// below its free-space floor it refuses pushes with 503, Retry-After and the reason, stores nothing of them, opens the
/// storage-full finding while a real agent spools; with the ballast gone everything resumes by itself and PostgreSQL never PANICs.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed class FreeSpaceFloorTests(ITestOutputHelper output) : IDisposable
{
    private const int FileSystemMebibytes = 300;
    private const int FloorMebibytes = 96;
    private const int RetryAfterSeconds = 35;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private readonly TemporaryDirectory _work = new();
    private string MountPoint => Path.Combine(_work.Path, "data");

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData(1024, 5.0, 10_240, 1024)]
    [InlineData(1024, 5.0, 1_048_576, 52_428)]
    [InlineData(96, 0.0, 300, 96)]
    [InlineData(0, 10.0, 300, 30)]
    public void FloorBytes_MegabytesAndShareOfSize_TheLargerOfTheTwo(long minFreeMegabytes, double minFreePercent, long sizeMebibytes, long expectedMebibytes)
    {
        // Arrange
        var storage = new StorageOptions { MinFreeMegabytes = minFreeMegabytes, MinFreePercent = minFreePercent };

        // Act
        var floor = FreeSpaceFloor.FloorBytes(storage, sizeMebibytes * DatabaseDisk.Mebibyte);

        // Assert
        Assert.Equal(expectedMebibytes, floor / DatabaseDisk.Mebibyte);
    }

    [Fact]
    public async Task Current_ExternalDatabaseOnThisMachine_WatchesTheDataDirectoryPostgresReports()
    {
        // Arrange: the server on the test run's PostgreSQL through a connection string, as with an external database.
        await using var dashboard = await RunningDashboard.StartAsync();
        await using var connection = new NpgsqlConnection(dashboard.ConnectionString);
        await connection.OpenAsync(TestTimeout.Token());
        await using var show = new NpgsqlCommand("SHOW data_directory", connection);
        var reported = (string)(await show.ExecuteScalarAsync(TestTimeout.Token()))!;
        Assert.True(Directory.Exists(reported), $"the test database's data_directory {reported} is not on this machine");

        // Act
        var disk = dashboard.Services.GetRequiredService<FreeSpaceFloor>().Current;

        // Assert
        Assert.NotNull(disk);
        Assert.Equal(reported, disk.Path);
        Assert.Equal(new DriveInfo(reported).TotalSize, disk.TotalBytes);
        Assert.Equal(1024 * DatabaseDisk.Mebibyte, FreeSpaceFloor.FloorBytes(new StorageOptions { MinFreePercent = 0 }, disk.TotalBytes));
    }

    [Fact]
    public async Task Ingest_ConfiguredDataPathBelowAnImpossibleFloor_RefusedWithReasonAndStoresNothing()
    {
        // Arrange: a configured path whose file system can never hold the floor (a pebibyte).
        await using var dashboard = await RunningDashboard.StartAsync(
            [$"--Dashboard:Storage:DataPath={_work.Path}", "--Dashboard:Storage:MinFreeMegabytes=1073741824", "--Dashboard:Storage:RetryAfterSeconds=120"]);
        using var agent = dashboard.CreateClient(await dashboard.CreateTokenAsync(KnownRoles.Director));

        // Act
        using var answer = await RunningDashboard.PushAsync(agent, TestBatches.Director("floor-impossible", 1, DateTimeOffset.UtcNow, 1, 20));
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
        var disk = dashboard.Services.GetRequiredService<FreeSpaceFloor>().Current;
        await using var connection = new NpgsqlConnection(dashboard.ConnectionString);
        await connection.OpenAsync(TestTimeout.Token());
        await using var count = new NpgsqlCommand("select count(*) from ingest_batches where host = 'floor-impossible'", connection);
        var stored = (long)(await count.ExecuteScalarAsync(TestTimeout.Token()))!;

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), answer.Headers.RetryAfter?.Delta);
        Assert.Matches("^database disk below its free-space floor: [0-9]+ MiB free, floor 1073741824 MiB$", problem.GetProperty("detail").GetString());
        Assert.NotNull(disk);
        Assert.Equal(_work.Path, disk.Path);
        Assert.Equal(0, stored);
    }

    private async Task MountAsync()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test mounts a tmpfs and must run as root");
        Directory.CreateDirectory(MountPoint);
        // mode 0755: the postgres account PostgreSQL runs as under root must enter the mount to reach its data folder.
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={FileSystemMebibytes}m,mode=0755", "tmpfs", MountPoint);
    }

    private async Task UnmountAsync()
    {
        // A server killed mid-test leaves its PostgreSQL running on the mount: it must go before the unmount.
        var dataDirectory = Path.Combine(MountPoint, "pgdata");
        if (Directory.Exists(dataDirectory))
        {
            foreach (var processId in PostgresProcessTable.FindProcessesOf(NativeMethods.RealPath(dataDirectory)))
            {
                using var process = Process.GetProcessById(processId);
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        await RunAsync("umount", MountPoint);
    }

    [Fact]
    public async Task Ingest_DatabaseDiskBelowFloor_RefusedWith503AndReasonUntilSpaceIsBack()
    {
        // Arrange: the real server on the tmpfs, with a floor of 96 MiB and quick findings.
        await MountAsync();
        var server = BuiltServer.Start(_work.Path, connectionString: null,
            $"--Dashboard:DataDir={MountPoint}",
            $"--Dashboard:Storage:MinFreeMegabytes={FloorMebibytes}",
            "--Dashboard:Storage:MinFreePercent=0",
            $"--Dashboard:Storage:RetryAfterSeconds={RetryAfterSeconds}",
            // PostgreSQL's own WAL reserve sized for a small disk: at most 4 segments recycled, 64 MB before a checkpoint.
            "--Dashboard:EmbeddedPostgresSettings:min_wal_size=64MB",
            "--Dashboard:EmbeddedPostgresSettings:max_wal_size=64MB",
            "--Dashboard:Diagnosis:For=00:00:01",
            "--Dashboard:Diagnosis:ResolveAfter=00:00:02");
        InProcessAgent? agent = null;
        var ballast = Path.Combine(MountPoint, "ballast");
        try
        {
            await server.WaitUntilReadyAsync(s_startTimeout);
            var dataDirectory = Path.Combine(MountPoint, "pgdata");
            await using var database = OpenEmbedded(dataDirectory);
            var tokens = new TokenRepository(database);
            var pusherToken = await tokens.CreateAsync("floor-pusher", KnownRoles.Director, HostScope.Any, TestTimeout.Token());
            using var pusher = Client(server.BaseAddress, pusherToken);
            using var reader = Client(server.BaseAddress, await tokens.CreateAsync("floor-reader", KnownRoles.Reader, HostScope.Any, TestTimeout.Token()));
            agent = await InProcessAgent.StartAsync(Path.Combine(_work.Path, "agent"), "floor-agent", server.BaseAddress,
                await tokens.CreateAsync("floor-agent", KnownRoles.Director, HostScope.Any, TestTimeout.Token()), intervalSeconds: 1);
            await Poll.UntilAsync("2 batches delivered before the fill", () => Delivered(agent.Reports) >= 2, detail: () => agent.Log);
            using (var before = await RunningDashboard.PushAsync(pusher, TestBatches.Director("floor-before", 1, DateTimeOffset.UtcNow, 1, 20)))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            // Act: a ballast file takes the tmpfs below the floor, 32 MiB short of it.
            var freeBefore = new DriveInfo(MountPoint).AvailableFreeSpace;
            var ballastBytes = freeBefore - (FloorMebibytes - 32) * DatabaseDisk.Mebibyte;
            await using (new FileStream(ballast, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = ballastBytes }))
            {
            }

            var freeWhenFull = new DriveInfo(MountPoint).AvailableFreeSpace;
            var reportsAtFill = agent.Reports.Count;
            var sequence = 0L;
            var (refusedStatus, refusedHost, problem, retryAfter) = ((HttpStatusCode?)null, "", default(JsonElement), (TimeSpan?)null);
            // The floor is read at most once a second, so a push right after the fill may still be taken: each goes as its own host.
            var wasRefused = await Poll.HoldsWithinAsync(async () =>
            {
                refusedHost = $"floor-push-{++sequence}";
                using var answer = await RunningDashboard.PushAsync(pusher, TestBatches.Director(refusedHost, 1, DateTimeOffset.UtcNow, 1, 20));
                refusedStatus = answer.StatusCode;
                (problem, retryAfter) = (await answer.Content.ReadFromJsonAsync<JsonElement>(), answer.Headers.RetryAfter?.Delta);
                return answer.StatusCode == HttpStatusCode.ServiceUnavailable;
            });
            Assert.True(wasRefused, $"pushes still taken with {freeWhenFull / DatabaseDisk.Mebibyte} MiB free: last answer {refusedStatus}");
            var finding = await PollFindingAsync(reader, open: true);
            var alert = await PollAlertAsync(reader, "firing");
            var spooled = await Poll.HoldsWithinAsync(() => agent.Reports.Skip(reportsAtFill).Any(r => r.Outcome == DeliveryOutcome.Spooled));
            using var readyWhenFull = await reader.GetAsync("readyz");
            var refusedStored = await CountAsync(database, "select count(*) from ingest_batches where host = @host", refusedHost);
            var refusedSamples = await CountAsync(database, "select count(*) from ipvs_rs_samples where director = @host", refusedHost);

            File.Delete(ballast);
            var afterSequence = 0L;
            var takenAgain = await Poll.HoldsWithinAsync(async () =>
            {
                using var answer = await RunningDashboard.PushAsync(pusher, TestBatches.Director("floor-after", ++afterSequence, DateTimeOffset.UtcNow, 1, 20));
                return answer.StatusCode == HttpStatusCode.OK;
            });

            var resolved = await PollFindingAsync(reader, open: false);
            var alertResolved = await PollAlertAsync(reader, "resolved");
            var reportsAtFree = agent.Reports.Count;
            var drained = await Poll.HoldsWithinAsync(() => agent.Reports.Count > reportsAtFree && agent.IsDrained, TimeSpan.FromSeconds(RetryAfterSeconds) + Poll.DefaultLimit);
            await agent.StopAsync();
            var stored = await StoredBatches.ReadAsync(database, agent.Host);
            var (first, last) = (agent.Reports[0].Sequence, agent.LastSequence);
            var postgresLog = string.Join('\n', Directory.EnumerateFiles(Path.Combine(dataDirectory, "log")).Select(File.ReadAllText));
            output.WriteLine($"tmpfs {FileSystemMebibytes} MiB: {freeBefore / DatabaseDisk.Mebibyte} MiB free before the fill, {freeWhenFull / DatabaseDisk.Mebibyte} MiB with the ballast; "
                + $"refused after {sequence} push(es): {problem.GetProperty("detail").GetString()}; Retry-After {retryAfter?.TotalSeconds} s");
            output.WriteLine($"agent: {agent.Reports.Count(r => r.Outcome == DeliveryOutcome.Spooled)} batches spooled, sequences {first}..{last} stored {stored.Sequences.Count}");

            // Assert: the refusal says why, tells the agent when to come back, and nothing of the refused pushes is stored.
            Assert.StartsWith("database disk below its free-space floor: ", problem.GetProperty("detail").GetString());
            Assert.EndsWith($" MiB free, floor {FloorMebibytes} MiB", problem.GetProperty("detail").GetString());
            Assert.Equal(TimeSpan.FromSeconds(RetryAfterSeconds), retryAfter);
            Assert.Equal(0, refusedStored);
            Assert.Equal(0, refusedSamples);
            Assert.Equal(HttpStatusCode.OK, readyWhenFull.StatusCode);
            Assert.True(takenAgain, "pushes still refused after the ballast was removed");

            // Assert: the finding opened with the numbers, the agent spooled, and both recovered by themselves.
            Assert.True(finding.HasValue, "no active storage-full finding while the disk was below its floor");
            Assert.Equal("critical", finding.Value.GetProperty("severity").GetString());
            Assert.Contains($"floor {FloorMebibytes} MiB", finding.Value.GetProperty("summary").GetString());
            Assert.True(alert.HasValue, "no firing StorageFull alert while the disk was below its floor");
            Assert.Equal(FindingKinds.StorageFull, alert.Value.GetProperty("labels").GetProperty("finding").GetString());
            Assert.True(spooled, "the agent did not spool while the disk was full: " + agent.Log);
            Assert.True(resolved.HasValue, "the storage-full finding did not resolve after the ballast was removed");
            Assert.True(alertResolved.HasValue, "the StorageFull alert did not resolve after the ballast was removed");
            Assert.True(drained, "the agent's spool did not drain after the ballast was removed: " + agent.Log);
            Assert.Empty(stored.GapsBetween(first, last));
            Assert.Empty(stored.Repeated);

            // Assert: PostgreSQL kept its room: no PANIC, no write that found the disk full.
            Assert.DoesNotContain("PANIC", postgresLog, StringComparison.Ordinal);
            Assert.DoesNotContain("No space left on device", postgresLog, StringComparison.Ordinal);
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }

            File.Delete(ballast);
            await server.StopGracefullyAsync(s_startTimeout);
            await server.DisposeAsync();
            await UnmountAsync();
        }
    }

    /// <summary>
    /// The storage-full finding: while it is active (open), or, once it is no longer active, the resolved record in the
    /// history; null when the wait ran out.
    /// </summary>
    private static async Task<JsonElement?> PollFindingAsync(HttpClient reader, bool open)
    {
        JsonElement? found = null;
        await Poll.HoldsWithinAsync(async () =>
        {
            var query = open ? "api/v1/findings?active=true" : $"api/v1/findings?kind={FindingKinds.StorageFull}";
            var findings = await reader.GetFromJsonAsync<JsonElement>(query);
            found = findings.EnumerateArray()
                .Where(f => f.GetProperty("kind").GetString() == FindingKinds.StorageFull)
                .Where(f => open || f.GetProperty("resolvedAt").ValueKind == JsonValueKind.String)
                .Cast<JsonElement?>()
                .FirstOrDefault();
            return found is not null;
        });
        return found;
    }

    /// <summary>The alert the default StorageFull rule makes of the finding, once it is in the given state; null when the wait ran out.</summary>
    private static async Task<JsonElement?> PollAlertAsync(HttpClient reader, string state)
    {
        JsonElement? found = null;
        await Poll.HoldsWithinAsync(async () =>
        {
            var alerts = await reader.GetFromJsonAsync<JsonElement>($"api/v1/alerts?state={state}");
            found = alerts.EnumerateArray().Where(a => a.GetProperty("rule").GetString() == "StorageFull").Cast<JsonElement?>().FirstOrDefault();
            return found is not null;
        });
        return found;
    }

    /// <summary>The server's embedded database, reached as the tests reach any: through its socket, found in postmaster.pid.</summary>
    private static NpgsqlDataSource OpenEmbedded(string dataDirectory)
    {
        var pidFile = PostmasterPidFile.TryRead(dataDirectory) ?? throw new InvalidOperationException($"no postmaster.pid in {dataDirectory}");
        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder
        {
            Host = pidFile.SocketDirectory, Port = pidFile.Port ?? 5432, Username = "postgres", Database = "dashboard",
        }.ConnectionString);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database, string sql, string host)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("host", host);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static HttpClient Client(Uri server, string token)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    private static int Delivered(IEnumerable<DeliveryReport> reports) => reports.Count(r => r.Outcome == DeliveryOutcome.Delivered);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {error}");
    }
}
