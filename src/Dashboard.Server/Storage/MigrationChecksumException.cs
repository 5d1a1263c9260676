namespace Dashboard.Server.Storage;

/// <summary>A migration file differs from the one the database already applied.</summary>
public sealed class MigrationChecksumException : Exception
{
    public MigrationChecksumException(string fileName, string storedChecksum, string currentChecksum)
        : base($"Migration {fileName} was changed after it was applied: the database recorded checksum {storedChecksum}, "
            + $"the file now has {currentChecksum}. Applied migrations are never edited: restore the file and add a new numbered migration instead.")
    {
        FileName = fileName;
        StoredChecksum = storedChecksum;
        CurrentChecksum = currentChecksum;
    }

    public string FileName { get; }

    public string StoredChecksum { get; }

    public string CurrentChecksum { get; }
}
