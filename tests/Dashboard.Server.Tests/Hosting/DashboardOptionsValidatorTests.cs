using Dashboard.Server.Hosting;

namespace Dashboard.Server.Tests.Hosting;

public sealed class DashboardOptionsValidatorTests
{
    [Fact]
    public void Validate_EmbeddedPostgresSettingsThatCouldNotBreakOutOfTheirLine_Accepted()
    {
        // Arrange
        var options = new DashboardOptions();
        options.EmbeddedPostgresSettings["max_wal_size"] = "4GB";
        options.EmbeddedPostgresSettings["auto_explain.log_min_duration"] = "'5s' it's quoted by the writer";

        // Act
        var result = new DashboardOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("max_wal_size\nfsync", "4GB")]
    [InlineData("Max_Wal_Size", "4GB")]
    [InlineData("max_wal_size = '1GB'; fsync", "off")]
    [InlineData("wal_compression", "lz4\nfsync = off")]
    public void Validate_EmbeddedPostgresSettingWithAnotherLineInIt_RefusedNamingTheKey(string setting, string value)
    {
        // Arrange
        var options = new DashboardOptions();
        options.EmbeddedPostgresSettings[setting] = value;

        // Act
        var result = new DashboardOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        Assert.Contains($"Dashboard:EmbeddedPostgresSettings:{setting}:", result.FailureMessage);
    }

    [Fact]
    public void Validate_StorageFloorDefaults_AcceptedAsOneGibibyteOrFivePercent()
    {
        // Arrange
        var options = new DashboardOptions();

        // Act
        var result = new DashboardOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal((1024L, 5.0, 60), (options.Storage.MinFreeMegabytes, options.Storage.MinFreePercent, options.Storage.RetryAfterSeconds));
    }

    [Fact]
    public void Validate_StorageFloorOutOfRange_RefusedNamingEveryKey()
    {
        // Arrange
        var options = new DashboardOptions();
        options.Storage.MinFreeMegabytes = -1;
        options.Storage.MinFreePercent = 60;
        options.Storage.RetryAfterSeconds = 0;
        options.Storage.DataPath = "relative/pgdata";

        // Act
        var result = new DashboardOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        Assert.Contains("Dashboard:Storage:MinFreeMegabytes: must not be negative.", result.FailureMessage);
        Assert.Contains("Dashboard:Storage:MinFreePercent: must be between 0 and 50.", result.FailureMessage);
        Assert.Contains("Dashboard:Storage:RetryAfterSeconds: must be between 1 and 3600.", result.FailureMessage);
        Assert.Contains("Dashboard:Storage:DataPath: 'relative/pgdata' is not an absolute path.", result.FailureMessage);
    }
}
