using System.Net.Sockets;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>Faults of reaching the database, as opposed to a bug or bad data, which must not be retried forever.</summary>
public static class DatabaseFaults
{
    public static bool IsUnavailable(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" or "08006" or "08001" } => true,
        SocketException or TimeoutException => true,
        InvalidOperationException { Message: "The database has not been started." } => true,
        _ => false,
    };
}
