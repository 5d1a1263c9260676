using System.Globalization;
using Dapper;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Storage;

public sealed class BackgroundConnectionTests(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>
{
    [Fact]
    public async Task Open_EmbeddedPostgresOnThisMachine_ItsServerProcessRunsAtLowestPriorityAndThePoolIsUntouched()
    {
        // Act
        int backgroundPid;
        await using (var background = await BackgroundConnection.OpenAsync(database.DataSource, TestTimeout.Token()))
        {
            backgroundPid = await background.ExecuteScalarAsync<int>("select pg_backend_pid()");
            Assert.Equal(BackgroundConnection.Nice, NiceOf(backgroundPid));
        }

        // Assert: pooled connections keep their normal priority, and the lowered server process ended with its connection.
        await using var pooled = await database.DataSource.OpenConnectionAsync(TestTimeout.Token());
        var pooledPid = await pooled.ExecuteScalarAsync<int>("select pg_backend_pid()");
        Assert.NotEqual(backgroundPid, pooledPid);
        // PostgreSQL inherits the test run's own priority (19 under `nice -n 19`), so "normal" is that, not 0.
        Assert.Equal(NiceOf(Environment.ProcessId), NiceOf(pooledPid));
        // The server process exits just after the client hangs up.
        await Poll.UntilAsync($"the lowered server process {backgroundPid} to end with its connection",
            async () => !await pooled.ExecuteScalarAsync<bool>("select exists (select 1 from pg_stat_activity where pid = @backgroundPid)", new { backgroundPid }));
    }

    /// <summary>The nice value: field 19 of /proc/PID/stat, counting from the state after the parenthesised name.</summary>
    private static int NiceOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }
}
