namespace Dashboard.Agent.Spool;

/// <summary>Whole-file writes that survive a crash or power loss: temporary file, fsync, rename, fsync of the directory.</summary>
public static class DurableFile
{
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + TemporarySuffix;
        try
        {
            using var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            // A full disk must not leave a partial file behind to be found at the next start.
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }
}
