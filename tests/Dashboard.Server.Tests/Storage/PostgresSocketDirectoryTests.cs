using System.Text;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Tests.Storage;

public sealed class PostgresSocketDirectoryTests
{
    [Fact]
    public void For_ShortDataFolder_IsTheDataFolder()
    {
        // Act + Assert
        Assert.Equal("/var/lib/lvs-dashboard/pgdata", PostgresSocketDirectory.For("/var/lib/lvs-dashboard/pgdata"));
    }

    [Fact]
    public void For_LongDataFolder_IsStableShortTmpFolder()
    {
        // Arrange
        var dataDirectory = "/srv/" + new string('x', 100) + "/pgdata";

        // Act
        var socketDirectory = PostgresSocketDirectory.For(dataDirectory);

        // Assert
        Assert.Matches("^/tmp/lvs-dashboard-[0-9a-f]{16}$", socketDirectory);
        Assert.Equal(socketDirectory, PostgresSocketDirectory.For(dataDirectory));
        Assert.NotEqual(socketDirectory, PostgresSocketDirectory.For(dataDirectory + "2"));
    }

    [Fact]
    public void For_DataFolderAtTheLimit_KeepsSocketPathWithin107Bytes()
    {
        // Arrange: 92 bytes of folder + "/.s.PGSQL.65535" is exactly 107.
        var fits = "/" + new string('a', 91);
        var tooLong = fits + "b";

        // Act + Assert
        Assert.Equal(fits, PostgresSocketDirectory.For(fits));
        Assert.NotEqual(tooLong, PostgresSocketDirectory.For(tooLong));
        Assert.Equal(107, Encoding.UTF8.GetByteCount(fits + "/.s.PGSQL.65535"));
    }
}
