using System.Runtime.InteropServices;

namespace Dashboard.Server.Storage;

/// <summary>The libc calls .NET does not offer: a file's owner, a canonical path, another process's CPU priority.</summary>
internal static class NativeMethods
{
    public static void ChangeOwner(string path, PostgresAccount account)
    {
        if (chown(path, account.UserId, account.GroupId) != 0)
        {
            throw new EmbeddedPostgresException(
                $"Could not give {path} to the user '{account.Name}' that runs PostgreSQL (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>The path with every symbolic link resolved, or the full path when it cannot be resolved.</summary>
    public static string RealPath(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return Path.GetFullPath(path);
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? Path.GetFullPath(path);
        }
        finally
        {
            free(resolved);
        }
    }

    /// <summary>Sets the nice value of a process; false when not permitted or the process is gone.</summary>
    public static bool SetNice(int pid, int nice) => setpriority(PrioProcess, (uint)pid, nice) == 0;

    private const int PrioProcess = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, uint who, int prio);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath(string path, IntPtr resolvedPath);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
