namespace Dashboard.Server.Storage;

/// <summary>Finds PostgreSQL processes of a data folder through /proc (every postgres process works in its data folder).</summary>
internal static class PostgresProcessTable
{
    /// <summary>True when <paramref name="processId"/> is a running (not zombie) postgres process working in the folder.</summary>
    public static bool IsPostgresOf(int processId, string realDataDirectory)
    {
        if (!IsRunningPostgres(processId))
        {
            return false;
        }

        var workingDirectory = WorkingDirectory(processId);
        // A postgres we may not inspect (another user's, we not root) is given the benefit of the doubt.
        return workingDirectory is null || workingDirectory == realDataDirectory;
    }

    /// <summary>Running postgres processes whose working folder we can read and is the data folder.</summary>
    public static IReadOnlyList<int> FindProcessesOf(string realDataDirectory)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var processId)
                && processId != Environment.ProcessId
                && IsRunningPostgres(processId)
                && WorkingDirectory(processId) == realDataDirectory)
            {
                found.Add(processId);
            }
        }

        return found;
    }

    /// <summary>True when the process has exited (or only its zombie is left, which our init may never reap).</summary>
    public static bool HasExited(int processId) => State(processId) is null or 'Z' or 'X';

    private static bool IsRunningPostgres(int processId)
    {
        return !HasExited(processId) && ReadText($"/proc/{processId}/comm")?.Trim() == "postgres";
    }

    private static char? State(int processId)
    {
        // The state follows the parenthesized command name, which may itself hold ") ".
        var stat = ReadText($"/proc/{processId}/stat");
        var end = stat?.LastIndexOf(')') ?? -1;
        return end >= 0 && end + 2 < stat!.Length ? stat[end + 2] : null;
    }

    private static string? WorkingDirectory(int processId)
    {
        try
        {
            return new DirectoryInfo($"/proc/{processId}/cwd").LinkTarget;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
