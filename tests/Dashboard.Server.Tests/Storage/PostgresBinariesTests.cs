using System.Runtime.Versioning;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Storage;

[SupportedOSPlatform("linux")]
public sealed class PostgresBinariesTests
{
    [Fact]
    public void Locate_DefaultSearchPath_FindsAllThreePrograms()
    {
        // Act
        var binaries = PostgresBinaries.Locate(PostgresBinaries.DefaultSearchPath());

        // Assert
        Assert.True(File.Exists(binaries.InitDb));
        Assert.True(File.Exists(binaries.PgCtl));
        Assert.True(File.Exists(binaries.Postgres));
    }

    [Fact]
    public void Locate_EmptySearchPath_ThrowsClearMessage()
    {
        // Act
        var exception = Assert.Throws<EmbeddedPostgresException>(() => PostgresBinaries.Locate([]));

        // Assert
        Assert.StartsWith("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found", exception.Message);
    }

    [Fact]
    public void FindAll_FolderWithoutPostgres_IsSkipped()
    {
        // Arrange: initdb and pg_ctl alone are not a usable server.
        using var folder = new TemporaryDirectory();
        foreach (var name in new[] { "initdb", "pg_ctl" })
        {
            var path = Path.Combine(folder.Path, name);
            File.WriteAllText(path, "#!/bin/sh\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        // Act
        var found = PostgresBinaries.FindAll([folder.Path, "relative/bin"]);

        // Assert
        Assert.Empty(found);
    }

    [Fact]
    public void DefaultSearchPath_DistributionFolders_HighestVersionFirst()
    {
        // Act
        var versions = PostgresBinaries.DefaultSearchPath()
            .Where(folder => folder.StartsWith("/usr/lib/postgresql/", StringComparison.Ordinal))
            .Select(folder => int.Parse(folder.Split('/')[4].Split('.')[0]))
            .ToList();

        // Assert
        Assert.NotEmpty(versions);
        Assert.Equal(versions.OrderDescending(), versions);
    }

    [Fact]
    public async Task GetMajorVersionAsync_InstalledServer_MatchesItsFolder()
    {
        // Arrange
        var binaries = PostgresBinaries.FindAll(PostgresBinaries.DefaultSearchPath())
            .First(found => found.Directory.StartsWith("/usr/lib/postgresql/", StringComparison.Ordinal));

        // Act
        var version = await binaries.GetMajorVersionAsync(TestTimeout.Token());

        // Assert
        Assert.Equal(binaries.Directory.Split('/')[4], version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
