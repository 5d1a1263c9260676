using Dapper;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Tests.Storage;

public sealed class MigrationRunnerTests : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly MigrationScript s_createHosts = new("0001_create_hosts.sql", """
        CREATE TABLE hosts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
        INSERT INTO hosts (name) VALUES ('director-1');
        """);

    private static readonly MigrationScript s_addRole = new("0002_add_host_role.sql", """
        ALTER TABLE hosts ADD COLUMN role text NOT NULL DEFAULT 'director';
        """);

    // Semicolons inside a dollar-quoted body: the script must reach the server whole, not split on them.
    private static readonly MigrationScript s_addFunction = new("0003_add_host_count.sql", """
        CREATE FUNCTION host_count() RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE n bigint;
        BEGIN
            SELECT count(*) INTO n FROM hosts;
            RETURN n;
        END;
        $$;
        """);

    private readonly PostgresDatabaseFixture _fixture;

    public MigrationRunnerTests(PostgresDatabaseFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task ApplyAsync_EmptyDatabase_CreatesJournalAndAppliesAllInOrder()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        var runner = CreateRunner(dataSource, s_addFunction, s_createHosts, s_addRole);

        // Act
        var applied = await runner.ApplyAsync(ct);

        // Assert
        string[] expected = [s_createHosts.Name, s_addRole.Name, s_addFunction.Name];
        Assert.Equal(expected, applied);
        var journal = await ReadJournalAsync(dataSource, ct);
        Assert.Equal(expected, journal.Select(row => row.FileName));
        Assert.Equal([s_createHosts.Checksum, s_addRole.Checksum, s_addFunction.Checksum], journal.Select(row => row.Checksum));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT host_count()"));
        Assert.Equal("director", await connection.ExecuteScalarAsync<string>("SELECT role FROM hosts"));
    }

    [Fact]
    public async Task ApplyAsync_SecondRun_AppliesNothing()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        await CreateRunner(dataSource, s_createHosts, s_addRole).ApplyAsync(ct);
        var journalBefore = await ReadJournalAsync(dataSource, ct);

        // Act
        var applied = await CreateRunner(dataSource, s_createHosts, s_addRole).ApplyAsync(ct);

        // Assert
        Assert.Empty(applied);
        Assert.Equal(journalBefore, await ReadJournalAsync(dataSource, ct));
    }

    [Fact]
    public async Task ApplyAsync_TwoRunnersAtOnce_ApplyEachScriptOnce()
    {
        // Arrange: hold the runners' lock until both wait on it, so that they really start together.
        var ct = TestTimeout.Token();
        var connectionString = await _fixture.CreateDatabaseAsync(ct);
        await using var first = NpgsqlDataSource.Create(connectionString);
        await using var second = NpgsqlDataSource.Create(connectionString);
        await using var holder = new NpgsqlConnection(connectionString);
        await holder.OpenAsync(ct);
        var key = MigrationRunner.AdvisoryLockKey;
        await holder.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key }, cancellationToken: ct));
        MigrationScript[] scripts = [s_createHosts, s_addRole, s_addFunction];
        var firstRun = CreateRunner(first, scripts).ApplyAsync(ct);
        var secondRun = CreateRunner(second, scripts).ApplyAsync(ct);
        await WaitForTwoAdvisoryLockWaitersAsync(holder, ct);

        // Act
        await holder.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key }, cancellationToken: ct));
        var results = await Task.WhenAll(firstRun, secondRun);

        // Assert
        Assert.Equal(scripts.Select(script => script.Name), results.SelectMany(applied => applied).Order(StringComparer.Ordinal));
        Assert.Equal(scripts.Select(script => script.Name), (await ReadJournalAsync(first, ct)).Select(row => row.FileName));
    }

    [Fact]
    public async Task ApplyAsync_AppliedScriptChanged_ThrowsChecksumExceptionAndAppliesNothing()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        await CreateRunner(dataSource, s_createHosts, s_addRole).ApplyAsync(ct);
        var edited = s_addRole with { Sql = "ALTER TABLE hosts ADD COLUMN role text NOT NULL DEFAULT 'hypervisor';" };
        var runner = CreateRunner(dataSource, s_createHosts, edited, s_addFunction);

        // Act
        var exception = await Assert.ThrowsAsync<MigrationChecksumException>(() => runner.ApplyAsync(ct));

        // Assert
        Assert.Equal(s_addRole.Name, exception.FileName);
        Assert.Contains(s_addRole.Name, exception.Message);
        Assert.Contains(s_addRole.Checksum, exception.Message);
        Assert.Contains(edited.Checksum, exception.Message);
        Assert.Contains("add a new numbered migration", exception.Message);
        Assert.Equal([s_createHosts.Name, s_addRole.Name], (await ReadJournalAsync(dataSource, ct)).Select(row => row.FileName));
        Assert.False(await ExistsAsync(dataSource, "host_count()", ct));
    }

    [Fact]
    public async Task ApplyAsync_FailingScript_RollsBackScriptAndItsJournalRow()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        var failing = new MigrationScript("0002_add_services.sql", """
            CREATE TABLE services (id bigint PRIMARY KEY, host_id bigint NOT NULL REFERENCES hosts (id));
            INSERT INTO services (id, host_id) VALUES (1, 999);
            """);
        var runner = CreateRunner(dataSource, s_createHosts, failing, s_addFunction);

        // Act
        var exception = await Assert.ThrowsAsync<MigrationFailedException>(() => runner.ApplyAsync(ct));

        // Assert
        Assert.Equal(failing.Name, exception.FileName);
        Assert.Equal("23503", Assert.IsType<PostgresException>(exception.InnerException).SqlState);
        Assert.Equal([s_createHosts.Name], (await ReadJournalAsync(dataSource, ct)).Select(row => row.FileName));
        Assert.False(await ExistsAsync(dataSource, "services", ct));
        Assert.False(await ExistsAsync(dataSource, "host_count()", ct));
    }

    [Fact]
    public async Task ApplyAsync_AfterFailedScriptIsFixed_AppliesTheRest()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        var failing = new MigrationScript(s_addRole.Name, "ALTER TABLE no_such_table ADD COLUMN role text;");
        await Assert.ThrowsAsync<MigrationFailedException>(() => CreateRunner(dataSource, s_createHosts, failing).ApplyAsync(ct));

        // Act
        var applied = await CreateRunner(dataSource, s_createHosts, s_addRole, s_addFunction).ApplyAsync(ct);

        // Assert
        Assert.Equal([s_addRole.Name, s_addFunction.Name], applied);
    }

    [Fact]
    public async Task IsUpToDateAsync_EmptyDatabase_False()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);

        // Act + Assert
        Assert.False(await CreateRunner(dataSource, s_createHosts).IsUpToDateAsync(ct));
    }

    [Fact]
    public async Task IsUpToDateAsync_AllApplied_True()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        await CreateRunner(dataSource, s_createHosts, s_addRole).ApplyAsync(ct);

        // Act + Assert
        Assert.True(await CreateRunner(dataSource, s_createHosts, s_addRole).IsUpToDateAsync(ct));
    }

    [Fact]
    public async Task IsUpToDateAsync_NewScriptNotApplied_False()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        await CreateRunner(dataSource, s_createHosts, s_addRole).ApplyAsync(ct);

        // Act + Assert
        Assert.False(await CreateRunner(dataSource, s_createHosts, s_addRole, s_addFunction).IsUpToDateAsync(ct));
    }

    [Fact]
    public async Task ApplyAsync_EmbeddedMigrations_ApplyToEmptyDatabaseAndAreUpToDate()
    {
        // Arrange
        var ct = TestTimeout.Token();
        await using var dataSource = await CreateEmptyDatabaseAsync(ct);
        var runner = MigrationRunner.FromEmbeddedResources(dataSource, NullLogger.Instance);

        // Act
        var applied = await runner.ApplyAsync(ct);

        // Assert
        Assert.Equal(runner.Scripts.Select(script => script.Name), applied);
        Assert.True(await runner.IsUpToDateAsync(ct));
    }

    [Fact]
    public void LoadEmbeddedScripts_ServerAssembly_NamesAreNumberedUniqueAndOrdered()
    {
        // Act
        var scripts = MigrationRunner.LoadEmbeddedScripts(typeof(MigrationRunner).Assembly);

        // Assert
        var names = scripts.Select(script => script.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Select(name => name[..4]).Distinct().Count());
        Assert.All(scripts, script => Assert.False(string.IsNullOrWhiteSpace(script.Sql), script.Name));
    }

    private static MigrationRunner CreateRunner(NpgsqlDataSource dataSource, params MigrationScript[] scripts)
    {
        return new MigrationRunner(dataSource, scripts, NullLogger.Instance);
    }

    private static async Task<IReadOnlyList<(string FileName, string Checksum, DateTime AppliedAt)>> ReadJournalAsync(
        NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string sql = """
            SELECT file_name, checksum, applied_at FROM schema_migrations ORDER BY file_name
            """;
        return (await connection.QueryAsync<(string, string, DateTime)>(new CommandDefinition(sql, cancellationToken: ct))).ToList();
    }

    private static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var sql = name.EndsWith("()", StringComparison.Ordinal)
            ? "SELECT to_regprocedure(@name) IS NOT NULL"
            : "SELECT to_regclass(@name) IS NOT NULL";
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { name }, cancellationToken: ct));
    }

    private static async Task WaitForTwoAdvisoryLockWaitersAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Waits on the server, so that the test neither sleeps nor polls from here.
        const string sql = """
            DO $$
            BEGIN
                WHILE (SELECT count(*) FROM pg_locks
                       WHERE locktype = 'advisory' AND NOT granted
                         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) < 2 LOOP
                    PERFORM pg_sleep(0.01);
                END LOOP;
            END
            $$
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, commandTimeout: 30, cancellationToken: ct));
    }

    private async Task<NpgsqlDataSource> CreateEmptyDatabaseAsync(CancellationToken ct)
    {
        return NpgsqlDataSource.Create(await _fixture.CreateDatabaseAsync(ct));
    }
}
