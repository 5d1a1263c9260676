using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Tests.Storage;

public sealed class DataSourceDefaultsTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task CreateDataSource_NoBufferOrPoolGiven_LargeWriteBufferAndBoundedPoolAndACopyLargerThanTheBufferArrivesWhole()
    {
        // Arrange
        await using var dataSource = DashboardDatabase.CreateDataSource(database.ConnectionString);
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        await using var conn = await dataSource.OpenConnectionAsync(TestTimeout.Token());
        await using (var create = new NpgsqlCommand("create temporary table copied (n bigint not null, label text not null)", conn))
        {
            await create.ExecuteNonQueryAsync(TestTimeout.Token());
        }

        // Act: about four buffers' worth of rows in one COPY.
        const int rows = 8_000;
        await using (var importer = await conn.BeginBinaryImportAsync("copy copied (n, label) from stdin (format binary)", TestTimeout.Token()))
        {
            for (var i = 0; i < rows; i++)
            {
                await importer.StartRowAsync(TestTimeout.Token());
                await importer.WriteAsync((long)i, NpgsqlDbType.Bigint, TestTimeout.Token());
                await importer.WriteAsync($"10.0.{i / 250}.{i % 250}:10051", NpgsqlDbType.Text, TestTimeout.Token());
            }

            await importer.CompleteAsync(TestTimeout.Token());
        }

        // Assert
        Assert.Equal(DashboardDatabase.WriteBufferSize, settings.WriteBufferSize);
        Assert.Equal(40, settings.MaxPoolSize);
        Assert.True(DashboardDatabase.WriteBufferSize >= 4 * 8192);
        await using var check = new NpgsqlCommand("select count(*), sum(n), count(distinct label) from copied", conn);
        await using var reader = await check.ExecuteReaderAsync(TestTimeout.Token());
        Assert.True(await reader.ReadAsync(TestTimeout.Token()));
        Assert.Equal(rows, reader.GetInt64(0));
        Assert.Equal((long)rows * (rows - 1) / 2, reader.GetInt64(1));
        Assert.Equal(rows, reader.GetInt64(2));
    }

    [Theory]
    [InlineData("Write Buffer Size=16384;Maximum Pool Size=7")]
    [InlineData("WriteBufferSize=16384;MaxPoolSize=7")]
    public async Task CreateDataSource_BufferAndPoolGiven_TheGivenValuesAreKept(string given)
    {
        // Act
        await using var dataSource = DashboardDatabase.CreateDataSource($"{database.ConnectionString};{given}");
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        await using var conn = await dataSource.OpenConnectionAsync(TestTimeout.Token());

        // Assert
        Assert.Equal(16384, settings.WriteBufferSize);
        Assert.Equal(7, settings.MaxPoolSize);
        Assert.Equal(System.Data.ConnectionState.Open, conn.State);
    }
}
