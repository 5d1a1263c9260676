using System.Text.RegularExpressions;

namespace Dashboard.Server.Storage;

/// <summary>A folder holding the PostgreSQL server programs <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
public sealed partial class PostgresBinaries
{
    public const string NotFoundMessage =
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin. "
        + "Install them (Debian: apt-get install postgresql) or set ConnectionStrings__Dashboard to an existing server.";

    private const string DistributionRoot = "/usr/lib/postgresql";

    private PostgresBinaries(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public string Postgres => Path.Combine(Directory, "postgres");

    /// <summary>The folders of PATH, then <c>/usr/lib/postgresql/*/bin</c> from the highest version down.</summary>
    public static IReadOnlyList<string> DefaultSearchPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (System.IO.Directory.Exists(DistributionRoot))
        {
            folders.AddRange(System.IO.Directory.GetDirectories(DistributionRoot)
                .Select(versionFolder => (versionFolder, version: ParseVersion(Path.GetFileName(versionFolder))))
                .Where(candidate => candidate.version is not null)
                .OrderByDescending(candidate => candidate.version)
                .Select(candidate => Path.Combine(candidate.versionFolder, "bin")));
        }

        return folders;
    }

    /// <summary>Every folder of <paramref name="searchPath"/> that holds all three programs, in search order.</summary>
    public static IReadOnlyList<PostgresBinaries> FindAll(IEnumerable<string> searchPath)
    {
        return searchPath
            .Where(folder => Path.IsPathFullyQualified(folder))
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .Select(folder => new PostgresBinaries(folder))
            .Where(binaries => UnixFiles.IsExecutable(binaries.InitDb) && UnixFiles.IsExecutable(binaries.PgCtl) && UnixFiles.IsExecutable(binaries.Postgres))
            .ToList();
    }

    /// <summary>The first complete set of programs on <paramref name="searchPath"/>.</summary>
    /// <exception cref="EmbeddedPostgresException">No folder holds all three.</exception>
    public static PostgresBinaries Locate(IEnumerable<string> searchPath)
    {
        return FindAll(searchPath).FirstOrDefault() ?? throw new EmbeddedPostgresException(NotFoundMessage);
    }

    /// <summary>The major version reported by <c>postgres --version</c> (15 for "postgres (PostgreSQL) 15.14").</summary>
    public async Task<int> GetMajorVersionAsync(CancellationToken cancellationToken)
    {
        var result = await PostgresCommandRunner.Unprivileged.RunAsync(Postgres, ["--version"], cancellationToken);
        var match = VersionPattern().Match(result.Output);
        if (result.ExitCode != 0 || !match.Success)
        {
            throw new EmbeddedPostgresException($"Could not read the version of {Postgres}: {result.Output.Trim()}");
        }

        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => Directory;

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, out var major))
        {
            return new Version(major, 0);
        }

        return Version.TryParse(name, out var version) ? version : null;
    }

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)")]
    private static partial Regex VersionPattern();
}
