using System.Text;

namespace Dashboard.Server.Storage;

/// <summary>The settings the launcher owns, kept in their own file that postgresql.conf includes.</summary>
internal static class PostgresConfigFile
{
    public const string FileName = "lvs-dashboard.conf";

    private const string IncludeLine = "include_if_exists = '" + FileName + "'";

    /// <summary>Makes postgresql.conf include our file (appended, so it wins over the lines above it).</summary>
    public static void EnsureIncluded(string dataDirectory)
    {
        var mainFile = Path.Combine(dataDirectory, "postgresql.conf");
        if (!File.ReadLines(mainFile).Any(line => line.Trim() == IncludeLine))
        {
            File.AppendAllText(mainFile, $"\n# Settings the dashboard rewrites at every start (ALTER SYSTEM still overrides them).\n{IncludeLine}\n");
        }
    }

    public static void Write(string dataDirectory, IEnumerable<KeyValuePair<string, string>> settings, PostgresAccount? owner)
    {
        var text = new StringBuilder("# Rewritten by the dashboard at every start: use ALTER SYSTEM or postgresql.conf for your own settings.\n");
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        var path = Path.Combine(dataDirectory, FileName);
        File.WriteAllText(path, text.ToString());
        UnixFiles.RestrictToOwner(path, isDirectory: false);
        if (owner is not null)
        {
            NativeMethods.ChangeOwner(path, owner);
        }
    }
}
