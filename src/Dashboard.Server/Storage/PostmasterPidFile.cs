using System.Globalization;

namespace Dashboard.Server.Storage;

/// <summary>What <c>postmaster.pid</c> says about the server that wrote it (the fields a running server has filled so far).</summary>
internal sealed record PostmasterPidFile(int ProcessId, int? Port, string? SocketDirectory, string? ListenAddress, string? Status)
{
    public const string FileName = "postmaster.pid";

    public bool IsReady => Status == "ready";

    /// <summary>Null when the file is missing or does not start with a process id yet.</summary>
    public static PostmasterPidFile? TryRead(string dataDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(dataDirectory, FileName));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (lines.Length == 0 || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var processId))
        {
            return null;
        }

        // Layout from PostgreSQL's pidfile.h: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
        int? port = lines.Length > 3 && int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        return new PostmasterPidFile(processId, port, Line(lines, 4), Line(lines, 5), Line(lines, 7));
    }

    private static string? Line(string[] lines, int index)
    {
        return lines.Length > index && lines[index].Trim().Length > 0 ? lines[index].Trim() : null;
    }
}
