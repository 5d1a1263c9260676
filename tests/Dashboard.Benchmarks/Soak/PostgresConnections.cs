using Dapper;
using Npgsql;

namespace Dashboard.Benchmarks.Soak;

/// <summary>Client connections PostgreSQL holds for the dashboard's database (pg_stat_activity), counted from a connection of its own.</summary>
public static class PostgresConnections
{
    public static async Task<int> CountAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var database = builder.Database;
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from pg_stat_activity where datname = @database and backend_type = 'client backend'", new { database });
    }
}
