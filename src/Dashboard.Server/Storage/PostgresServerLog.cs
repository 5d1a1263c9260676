namespace Dashboard.Server.Storage;

/// <summary>The server's own log: startup output (before the logging collector takes over) and the rotated daily files.</summary>
internal static class PostgresServerLog
{
    public const string StartupFileName = "startup.log";

    public const string Directory = "log";

    /// <summary>The last lines of the startup log and of the newest collector file, for error messages.</summary>
    public static string Tail(string dataDirectory, int lineCount)
    {
        var files = new List<string> { Path.Combine(dataDirectory, StartupFileName) };
        var logDirectory = new DirectoryInfo(Path.Combine(dataDirectory, Directory));
        if (logDirectory.Exists)
        {
            var newest = logDirectory.EnumerateFiles("*.log").OrderByDescending(file => file.LastWriteTimeUtc).FirstOrDefault();
            if (newest is not null)
            {
                files.Add(newest.FullName);
            }
        }

        var tail = new List<string>();
        foreach (var file in files.Where(File.Exists))
        {
            var lines = File.ReadAllLines(file);
            tail.Add($"--- {file} (last lines) ---");
            tail.AddRange(lines.Skip(Math.Max(0, lines.Length - lineCount)));
        }

        return string.Join('\n', tail);
    }
}
