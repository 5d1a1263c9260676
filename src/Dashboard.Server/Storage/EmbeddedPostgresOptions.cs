namespace Dashboard.Server.Storage;

/// <summary>How the private PostgreSQL is laid out and started.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>The PostgreSQL data folder (created by initdb on first start).</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    public string DatabaseName { get; init; } = "dashboard";

    /// <summary>The superuser initdb creates; the Unix socket trusts it.</summary>
    public string UserName { get; init; } = "postgres";

    /// <summary>Also listen on 127.0.0.1 (password logins only); the connection string still uses the Unix socket.</summary>
    public bool ListenOnLoopback { get; init; }

    /// <summary>Null: 5432 on the private socket, or a free loopback port with <see cref="ListenOnLoopback"/>.</summary>
    public int? Port { get; init; }

    /// <summary>Folders searched for the programs; null: <see cref="PostgresBinaries.DefaultSearchPath"/>.</summary>
    public IReadOnlyList<string>? BinarySearchPath { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra postgresql.conf settings applied at every start (name → value).</summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// <c>$XDG_DATA_HOME/lvs-dashboard/pgdata</c>, else <c>~/.local/share/lvs-dashboard/pgdata</c>;
    /// as root without XDG_DATA_HOME <c>/var/lib/lvs-dashboard/pgdata</c>, since the postgres account cannot enter /root.
    /// </summary>
    public static string DefaultDataDirectory()
    {
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathFullyQualified(dataHome))
        {
            dataHome = Environment.IsPrivilegedProcess
                ? "/var/lib"
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "lvs-dashboard", "pgdata");
    }
}
