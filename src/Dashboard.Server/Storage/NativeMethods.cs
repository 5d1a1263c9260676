using System.Runtime.InteropServices;

namespace Dashboard.Server.Storage;

/// <summary>The two libc calls .NET does not offer: changing a file's owner and canonicalizing a path.</summary>
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

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath(string path, IntPtr resolvedPath);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
