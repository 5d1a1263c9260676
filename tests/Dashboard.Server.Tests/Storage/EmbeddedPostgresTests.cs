using System.Diagnostics;
using System.Net.Sockets;
using Dapper;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Storage;

/// <summary>Each test runs its own cluster in its own temp folder, apart from the shared test server.</summary>
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();
    private readonly ITestOutputHelper _output;

    public EmbeddedPostgresTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private string DataDirectory => Path.Combine(_folder.Path, "pgdata");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StartAsync_EmptyFolder_InitializesStartsAndStopsOnDispose()
    {
        // Arrange
        var ct = TestTimeout.Token();
        int processId;

        // Act
        var watch = Stopwatch.StartNew();
        await using (var server = await EmbeddedPostgres.StartAsync(Options(), ct))
        {
            _output.WriteLine($"cold start (initdb + start + create database): {watch.ElapsedMilliseconds} ms");
            processId = server.ProcessId;

            // Assert
            Assert.True(server.OwnsServer);
            Assert.True(File.Exists(Path.Combine(DataDirectory, "PG_VERSION")));
            Assert.Equal(DataDirectory, server.SocketDirectory);
            Assert.Equal("dashboard", await ScalarAsync<string>(server.ConnectionString, "SELECT current_database()", ct));
            Assert.Equal("", await ScalarAsync<string>(server.ConnectionString, "SHOW listen_addresses", ct));
            Assert.Equal("UTF8", await ScalarAsync<string>(server.ConnectionString, "SHOW server_encoding", ct));
            Assert.Equal(EmbeddedPostgres.DefaultMaxWalSize, await ScalarAsync<string>(server.ConnectionString, "SHOW max_wal_size", ct));
        }

        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));
        Assert.False(IsRunning(processId));
    }

    [Fact]
    public async Task StartAsync_StoppedFolder_ReusesItAndKeepsData()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using (var first = await EmbeddedPostgres.StartAsync(Options(), ct))
        {
            await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('before restart')", ct);
        }

        // Act
        var watch = Stopwatch.StartNew();
        await using var second = await EmbeddedPostgres.StartAsync(Options(), ct);
        _output.WriteLine($"warm start (start + check database): {watch.ElapsedMilliseconds} ms");

        // Assert
        Assert.True(second.OwnsServer);
        Assert.Equal("before restart", await ScalarAsync<string>(second.ConnectionString, "SELECT value FROM kept", ct));
    }

    [Fact]
    public async Task StartAsync_AfterPostmasterKilled_StartsAgainWithDataIntact()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var killed = await EmbeddedPostgres.StartAsync(Options(), ct);
        await ExecuteAsync(killed.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('before kill')", ct);
        var pid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First());
        using (var postmaster = Process.GetProcessById(pid))
        {
            postmaster.Kill(); // SIGKILL, as kill -9
        }

        // Act
        await using var restarted = await EmbeddedPostgres.StartAsync(Options(), ct);

        // Assert
        Assert.True(restarted.OwnsServer);
        Assert.NotEqual(pid, restarted.ProcessId);
        Assert.Equal("before kill", await ScalarAsync<string>(restarted.ConnectionString, "SELECT value FROM kept", ct));
        await killed.DisposeAsync();
        Assert.Equal(1, await ScalarAsync<int>(restarted.ConnectionString, "SELECT 1", ct));
    }

    [Fact]
    public async Task StartAsync_FolderAlreadyRunning_UsesItAndLeavesItRunningOnDispose()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var owner = await EmbeddedPostgres.StartAsync(Options(), ct);

        // Act
        await using (var second = await EmbeddedPostgres.StartAsync(Options(), ct))
        {
            // Assert
            Assert.False(second.OwnsServer);
            Assert.Equal(owner.ProcessId, second.ProcessId);
            Assert.Equal(owner.ConnectionString, second.ConnectionString);
            Assert.Equal("dashboard", await ScalarAsync<string>(second.ConnectionString, "SELECT current_database()", ct));
        }

        Assert.True(IsRunning(owner.ProcessId));
        Assert.Equal(1, await ScalarAsync<int>(owner.ConnectionString, "SELECT 1", ct));
    }

    [Fact]
    public async Task StartAsync_TwoAtOnceOnEmptyFolder_OneStartsTheOtherUsesIt()
    {
        // Arrange
        var ct = TestTimeout.Token();

        // Act
        var started = await Task.WhenAll(EmbeddedPostgres.StartAsync(Options(), ct), EmbeddedPostgres.StartAsync(Options(), ct));

        // Assert
        var owner = Assert.Single(started, server => server.OwnsServer);
        var user = Assert.Single(started, server => !server.OwnsServer);
        Assert.Equal(owner.ProcessId, user.ProcessId);
        await user.DisposeAsync();
        await owner.DisposeAsync();
        Assert.False(IsRunning(owner.ProcessId));
    }

    [Fact]
    public async Task StartAsync_SettingGivenOverALauncherDefault_TheGivenValueWins()
    {
        // Arrange
        var ct = TestTimeout.Token();
        var options = new EmbeddedPostgresOptions
        {
            DataDirectory = DataDirectory,
            ServerSettings = new Dictionary<string, string> { ["max_wal_size"] = "2GB", ["checkpoint_timeout"] = "10min" },
        };

        // Act
        await using var server = await EmbeddedPostgres.StartAsync(options, ct);

        // Assert
        Assert.Equal("2GB", await ScalarAsync<string>(server.ConnectionString, "SHOW max_wal_size", ct));
        Assert.Equal("10min", await ScalarAsync<string>(server.ConnectionString, "SHOW checkpoint_timeout", ct));
    }

    [Fact]
    public async Task StartAsync_ServerRefusesToStart_MessageHoldsServerLog()
    {
        // Arrange
        var options = new EmbeddedPostgresOptions
        {
            DataDirectory = DataDirectory,
            ServerSettings = new Dictionary<string, string> { ["shared_buffers"] = "plenty" },
        };

        // Act
        var exception = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(options, TestTimeout.Token()));

        // Assert
        _output.WriteLine(exception.Message);
        Assert.StartsWith("pg_ctl start failed", exception.Message);
        Assert.Contains("invalid value for parameter \"shared_buffers\": \"plenty\"", exception.Message);
        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));
    }

    [Fact]
    public async Task StartAsync_NoBinariesOnSearchPath_ThrowsClearMessage()
    {
        // Arrange
        var options = new EmbeddedPostgresOptions { DataDirectory = DataDirectory, BinarySearchPath = [] };

        // Act
        var exception = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(options, TestTimeout.Token()));

        // Assert
        Assert.Equal(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin. "
            + "Install them (Debian: apt-get install postgresql) or set ConnectionStrings__Dashboard to an existing server.",
            exception.Message);
        Assert.False(Directory.Exists(DataDirectory));
    }

    [Fact]
    public async Task StartAsync_LongDataFolderPath_PutsSocketInShortTmpFolder()
    {
        // Arrange
        var ct = TestTimeout.Token();
        var dataDirectory = Path.Combine(_folder.Path, new string('d', 60), new string('e', 40), "pgdata");
        Directory.CreateDirectory(Path.GetDirectoryName(dataDirectory)!);

        // Act
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDirectory }, ct);

        // Assert
        Assert.StartsWith("/tmp/lvs-dashboard-", server.SocketDirectory);
        Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1", ct));
        await server.DisposeAsync();
        Assert.False(Directory.Exists(server.SocketDirectory));
    }

    [Fact]
    public async Task StartAsync_ListenOnLoopback_ListensOnFreePortWithoutTrustingTcp()
    {
        // Arrange
        var ct = TestTimeout.Token();

        // Act
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = DataDirectory, ListenOnLoopback = true }, ct);

        // Assert
        Assert.NotEqual(5432, server.Port);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", server.Port, ct);
        }

        var overTcp = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = "127.0.0.1", Pooling = false }.ConnectionString;
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<int>(overTcp, "SELECT 1", ct));
        Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1", ct));
    }

    [Fact]
    public async Task StartAsync_FolderOfAnotherMajorVersion_ThrowsNamingTheVersion()
    {
        // Arrange
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "PG_VERSION"), "99\n");

        // Act
        var exception = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(Options(), TestTimeout.Token()));

        // Assert
        Assert.Contains("created by PostgreSQL 99", exception.Message);
    }

    [Fact]
    public async Task StartAsync_NonEmptyFolderWithoutCluster_ThrowsWithoutTouchingIt()
    {
        // Arrange
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "notes.txt"), "mine");

        // Act
        var exception = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(Options(), TestTimeout.Token()));

        // Assert
        Assert.Contains("is not a PostgreSQL data folder", exception.Message);
        Assert.Equal(["notes.txt"], Directory.GetFiles(DataDirectory).Select(Path.GetFileName));
    }

    private static bool IsRunning(int processId)
    {
        var stat = $"/proc/{processId}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(") ")[^1][0] is not ('Z' or 'X');
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        return (await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, cancellationToken: ct)))!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: ct));
    }

    private EmbeddedPostgresOptions Options() => new() { DataDirectory = DataDirectory };
}
