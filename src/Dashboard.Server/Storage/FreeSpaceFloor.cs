using Dapper;
using Dashboard.Core.Storage;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// Free space of the database's file system against the configured floor, read with statvfs (DriveInfo) at most once a second
/// however many pushes ask. Which file system is settled once at start: Dashboard:Storage:DataPath, else the embedded data
/// folder, else the data_directory PostgreSQL reports when it runs on this machine; with none of them there is no floor.
/// </summary>
public sealed class FreeSpaceFloor(
    DashboardDatabase database,
    IOptionsMonitor<DashboardOptions> options,
    TimeProvider clock,
    ILogger<FreeSpaceFloor> logger) : IHostedService
{
    private static readonly TimeSpan s_measureEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _measuring = new();
    private volatile IReadOnlyList<string> _paths = [];
    private volatile DatabaseDisk? _current;
    private long _measuredAt;
    private bool _wasBelow;
    private string? _lastFailure;

    /// <summary>The database's file system as measured within the last second; null when there is no path to watch or it cannot be read.</summary>
    public DatabaseDisk? Current
    {
        get
        {
            if (_paths.Count == 0)
            {
                return null;
            }

            var measuredAt = Interlocked.Read(ref _measuredAt);
            // One caller measures; the others keep the last reading meanwhile rather than queue behind a syscall.
            if ((measuredAt == 0 || clock.GetElapsedTime(measuredAt) >= s_measureEvery) && _measuring.TryEnter())
            {
                try
                {
                    Measure();
                }
                finally
                {
                    _measuring.Exit();
                }
            }

            return _current;
        }
    }

    /// <summary>The larger of the two floors: megabytes, and the share of the file system's size.</summary>
    public static long FloorBytes(StorageOptions storage, long totalBytes) =>
        Math.Max(storage.MinFreeMegabytes * DatabaseDisk.Mebibyte, (long)(totalBytes * (storage.MinFreePercent / 100)));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (path, origin) = await FindPathAsync(cancellationToken);
        if (path is null)
        {
            logger.LogWarning(
                "No free-space floor: the database's data folder is not on this machine and {Key} is not set, so a full disk there is seen only when PostgreSQL fails",
                ConfigNames.StorageDataPath);
            return;
        }

        _paths = WithSeparateWal(path);
        if (Current is { } disk)
        {
            logger.LogInformation(
                "Free-space floor on {Path} ({Origin}): {Free} MiB free of {Total} MiB, ingest stops below {Floor} MiB",
                disk.Path, origin, disk.FreeBytes / DatabaseDisk.Mebibyte, disk.TotalBytes / DatabaseDisk.Mebibyte, disk.FloorBytes / DatabaseDisk.Mebibyte);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Measure()
    {
        var storage = options.CurrentValue.Storage;
        DatabaseDisk? lowest = null;
        try
        {
            foreach (var path in _paths)
            {
                var drive = new DriveInfo(path);
                var total = drive.TotalSize;
                var disk = new DatabaseDisk(path, drive.AvailableFreeSpace, total, FloorBytes(storage, total));
                if (lowest is null || disk.FreeBytes - disk.FloorBytes < lowest.FreeBytes - lowest.FloorBytes)
                {
                    lowest = disk;
                }
            }

            _lastFailure = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A floor that cannot be read never stops ingest; it is said once, not on every push.
            if (_lastFailure != e.Message)
            {
                logger.LogWarning("Cannot read the free space of {Paths}: {Reason}; ingest is not held back by the floor meanwhile", string.Join(", ", _paths), e.Message);
                _lastFailure = e.Message;
            }

            lowest = null;
        }

        _current = lowest;
        Interlocked.Exchange(ref _measuredAt, clock.GetTimestamp());
        var below = lowest?.IsBelowFloor == true;
        if (below && !_wasBelow)
        {
            logger.LogError("Ingest refused: {Reason} on {Path}", lowest!.Reason, lowest.Path);
        }
        else if (!below && _wasBelow && lowest is not null)
        {
            logger.LogWarning(
                "Ingest resumes: the database disk has {Free} MiB free again, above its floor of {Floor} MiB",
                lowest.FreeBytes / DatabaseDisk.Mebibyte, lowest.FloorBytes / DatabaseDisk.Mebibyte);
        }

        _wasBelow = below;
    }

    private async Task<(string? Path, string Origin)> FindPathAsync(CancellationToken ct)
    {
        if (options.CurrentValue.Storage.DataPath is { Length: > 0 } configured)
        {
            return (configured, ConfigNames.StorageDataPath);
        }

        if (database.EmbeddedDataDirectory is { } embedded)
        {
            return (embedded, "embedded PostgreSQL data folder");
        }

        return (await ReportedDataDirectoryAsync(ct), "data_directory of the PostgreSQL on this machine");
    }

    /// <summary>PostgreSQL's own data_directory, when it is reached through a local socket or loopback and so is a folder of this machine.</summary>
    private async Task<string?> ReportedDataDirectoryAsync(CancellationToken ct)
    {
        var host = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString).Host ?? "";
        if (!(host.StartsWith('/') || host is "localhost" or "127.0.0.1" or "::1"))
        {
            return null;
        }

        try
        {
            // Readable by superusers and pg_read_all_settings only; anyone else gets null.
            const string sql = """
                SELECT CASE WHEN pg_has_role('pg_read_all_settings', 'member') THEN current_setting('data_directory') END
                """;
            await using var conn = await database.DataSource.OpenConnectionAsync(ct);
            var reported = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(sql, cancellationToken: ct));
            return reported is not null && Directory.Exists(reported) ? reported : null;
        }
        catch (Exception e) when (e is NpgsqlException)
        {
            logger.LogWarning("Could not ask PostgreSQL for its data_directory: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>The data folder, and its pg_wal when that is a link to another place (initdb --waldir), whose file system fills too.</summary>
    private static IReadOnlyList<string> WithSeparateWal(string dataFolder)
    {
        var wal = new DirectoryInfo(Path.Combine(dataFolder, "pg_wal"));
        return wal.Exists && wal.LinkTarget is { } target ? [dataFolder, Path.GetFullPath(target, dataFolder)] : [dataFolder];
    }
}
