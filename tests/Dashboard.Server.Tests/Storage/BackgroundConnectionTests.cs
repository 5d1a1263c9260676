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
        Assert.Equal(0, NiceOf(pooledPid));
        // The server process exits just after the client hangs up: give it a few seconds.
        var stillThere = true;
        for (var i = 0; i < 50 && stillThere; i++)
        {
            stillThere = await pooled.ExecuteScalarAsync<bool>("select exists (select 1 from pg_stat_activity where pid = @backgroundPid)", new { backgroundPid });
            if (stillThere)
            {
                await Task.Delay(100);
            }
        }

        Assert.False(stillThere);
    }

    /// <summary>The nice value: field 19 of /proc/PID/stat, counting from the state after the parenthesised name.</summary>
    private static int NiceOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }
}
