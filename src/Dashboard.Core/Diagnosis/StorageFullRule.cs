using Dashboard.Core.Storage;

namespace Dashboard.Core.Diagnosis;

/// <summary>The database's file system fell below its free-space floor: ingest is refused so that PostgreSQL never runs out of room for WAL.</summary>
public sealed class StorageFullRule : IFindingRule
{
    public string Kind => FindingKinds.StorageFull;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings)
    {
        if (fleet.DatabaseDisk is not { IsBelowFloor: true } disk)
        {
            yield break;
        }

        yield return new FindingCandidate(
            Kind,
            FindingSeverity.Critical,
            null,
            null,
            null,
            null,
            null,
            $"{disk.Reason}: ingest answers 503 and the agents spool until space is back",
            [
                new Evidence("Free", $"{disk.FreeBytes / DatabaseDisk.Mebibyte} MiB of {disk.TotalBytes / DatabaseDisk.Mebibyte} MiB"),
                new Evidence("Floor", $"{disk.FloorBytes / DatabaseDisk.Mebibyte} MiB"),
                new Evidence("File system of", disk.Path),
            ],
            [
                $"on the dashboard's database host: df -h {disk.Path}",
                $"on the dashboard's database host: du -sh {disk.Path}/base {disk.Path}/pg_wal",
            ],
            Remediations.StorageFull);
    }
}
