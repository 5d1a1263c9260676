using Dashboard.Core.Diagnosis;
using Dashboard.Core.Storage;

namespace Dashboard.Core.Tests.Diagnosis;

public sealed class StorageFullRuleTests
{
    private const long MiB = DatabaseDisk.Mebibyte;
    private readonly Diagnoser _diagnoser = new(new DiagnosisSettings());

    [Fact]
    public void Evaluate_DatabaseDiskBelowFloor_NamesFreeSpaceFloorAndPath()
    {
        // Arrange: 700 MiB free on the database's disk against a 1 GiB floor, the fleet itself healthy.
        var fleet = new FleetBuilder().Build() with { DatabaseDisk = new DatabaseDisk("/var/lib/lvs-dashboard/pgdata", 700 * MiB, 20_480 * MiB, 1024 * MiB) };

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.StorageFull, FindingSeverity.Critical), (finding.Kind, finding.Severity));
        Assert.StartsWith("database disk below its free-space floor: 700 MiB free, floor 1024 MiB", finding.Summary);
        Assert.Contains(new Evidence("Free", "700 MiB of 20480 MiB"), finding.Evidence);
        Assert.Contains(new Evidence("File system of", "/var/lib/lvs-dashboard/pgdata"), finding.Evidence);
        Assert.Contains(finding.ConfirmCommands, c => c.EndsWith("df -h /var/lib/lvs-dashboard/pgdata"));
        Assert.Contains("pg_wal", finding.Remediation);
    }

    [Theory]
    [InlineData(1024L * MiB)]
    [InlineData(5000L * MiB)]
    public void Evaluate_DatabaseDiskAtOrAboveFloor_RaisesNothing(long freeBytes)
    {
        // Arrange
        var fleet = new FleetBuilder().Build() with { DatabaseDisk = new DatabaseDisk("/data", freeBytes, 20_480 * MiB, 1024 * MiB) };

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        Assert.Empty(findings);
    }

    [Fact]
    public void Evaluate_NoDatabaseDiskWatched_RaisesNothing()
    {
        // Arrange: an external database without a path to watch.
        var fleet = new FleetBuilder().Build();

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        Assert.Null(fleet.DatabaseDisk);
        Assert.Empty(findings);
    }
}
