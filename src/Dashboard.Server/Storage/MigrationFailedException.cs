namespace Dashboard.Server.Storage;

/// <summary>A migration script failed; its transaction, journal row included, was rolled back.</summary>
public sealed class MigrationFailedException : Exception
{
    public MigrationFailedException(string fileName, Exception innerException)
        : base($"Migration {fileName} failed and was rolled back: {innerException.Message}", innerException)
    {
        FileName = fileName;
    }

    public string FileName { get; }
}
