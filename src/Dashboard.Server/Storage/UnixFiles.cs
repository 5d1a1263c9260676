namespace Dashboard.Server.Storage;

/// <summary>Unix permission bits, guarded so that the platform analyzer sees the Windows case handled.</summary>
internal static class UnixFiles
{
    public static void RestrictToOwner(string path, bool isDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, isDirectory ? mode | UnixFileMode.UserExecute : mode);
    }

    public static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        return OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
