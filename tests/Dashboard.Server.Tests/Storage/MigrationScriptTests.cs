using Dashboard.Server.Storage;

namespace Dashboard.Server.Tests.Storage;

public sealed class MigrationScriptTests
{
    [Fact]
    public void Checksum_KnownSql_IsLowerCaseSha256Hex()
    {
        // Arrange
        var script = new MigrationScript("0001_x.sql", "SELECT 1;\n");

        // Act
        var checksum = script.Checksum;

        // Assert: printf 'SELECT 1;\n' | sha256sum
        Assert.Equal("b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd", checksum);
    }

    [Fact]
    public void Checksum_CrLfLineEndings_SameAsLf()
    {
        // Arrange
        var unix = new MigrationScript("0001_x.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
        var windows = new MigrationScript("0001_x.sql", "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n");

        // Act + Assert
        Assert.Equal(unix.Checksum, windows.Checksum);
    }

    [Fact]
    public void Checksum_OneCharacterChanged_Differs()
    {
        // Arrange
        var original = new MigrationScript("0001_x.sql", "CREATE TABLE a (id int);");
        var edited = original with { Sql = "CREATE TABLE a (id bigint);" };

        // Act + Assert
        Assert.NotEqual(original.Checksum, edited.Checksum);
    }
}
