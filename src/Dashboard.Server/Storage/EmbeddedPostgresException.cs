namespace Dashboard.Server.Storage;

/// <summary>The embedded PostgreSQL could not be found, initialized, started or reached.</summary>
public sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    public EmbeddedPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
