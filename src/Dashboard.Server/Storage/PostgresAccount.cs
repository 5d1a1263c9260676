namespace Dashboard.Server.Storage;

/// <summary>The unprivileged account PostgreSQL runs as when this process is root (initdb and postgres refuse root).</summary>
internal sealed record PostgresAccount(string Name, uint UserId, uint GroupId)
{
    private static readonly string[] s_preferredNames = ["postgres", "nobody"];

    /// <summary>Null when this process is not root: PostgreSQL then runs as the current user.</summary>
    public static PostgresAccount? ForCurrentProcess()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return null;
        }

        var accounts = ReadPasswd();
        foreach (var name in s_preferredNames)
        {
            if (accounts.TryGetValue(name, out var account))
            {
                return account;
            }
        }

        throw new EmbeddedPostgresException(
            "This process runs as root and PostgreSQL refuses to: no 'postgres' or 'nobody' account exists to run it as. "
            + "Create a 'postgres' user, run the server as an unprivileged user, or set ConnectionStrings__Dashboard.");
    }

    private static Dictionary<string, PostgresAccount> ReadPasswd()
    {
        var accounts = new Dictionary<string, PostgresAccount>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && uint.TryParse(fields[2], out var uid) && uint.TryParse(fields[3], out var gid) && uid != 0)
            {
                accounts.TryAdd(fields[0], new PostgresAccount(fields[0], uid, gid));
            }
        }

        return accounts;
    }
}
