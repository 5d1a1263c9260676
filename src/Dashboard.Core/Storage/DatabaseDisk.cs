namespace Dashboard.Core.Storage;

/// <summary>Free space of the file system the database writes to, against the floor below which ingest stops.</summary>
public sealed record DatabaseDisk(string Path, long FreeBytes, long TotalBytes, long FloorBytes)
{
    public const long Mebibyte = 1024 * 1024;

    public bool IsBelowFloor => FreeBytes < FloorBytes;

    /// <summary>Why ingest is refused, in the words agents and people read.</summary>
    public string Reason => $"database disk below its free-space floor: {FreeBytes / Mebibyte} MiB free, floor {FloorBytes / Mebibyte} MiB";
}
