using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// A private PostgreSQL run from the machine's own server binaries: initialized on first start, reused afterwards,
/// shared with any process already running it on the same data folder, and stopped on dispose only by the instance that started it.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_leftoverExitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The launcher's max_wal_size; <see cref="EmbeddedPostgresOptions.ServerSettings"/> may set another.</summary>
    public const string DefaultMaxWalSize = "4GB";

    private readonly PostgresCommandRunner _runner;
    private readonly PostgresBinaries? _binaries;
    private readonly TimeSpan _stopTimeout;
    private readonly ILogger _logger;
    private int _stopped;

    private EmbeddedPostgres(
        string dataDirectory, PostmasterPidFile pidFile, EmbeddedPostgresOptions options, PostgresCommandRunner runner, PostgresBinaries? binaries, ILogger logger)
    {
        DataDirectory = dataDirectory;
        ProcessId = pidFile.ProcessId;
        Port = pidFile.Port ?? throw new EmbeddedPostgresException($"{Path.Combine(dataDirectory, PostmasterPidFile.FileName)} names no port.");
        SocketDirectory = pidFile.SocketDirectory;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = pidFile.SocketDirectory ?? pidFile.ListenAddress ?? "127.0.0.1",
            Port = Port,
            Username = options.UserName,
            Database = options.DatabaseName,
        }.ConnectionString;
        _runner = runner;
        _binaries = binaries;
        _stopTimeout = options.StartTimeout;
        _logger = logger;
    }

    /// <summary>Npgsql connection string of the application database, through the Unix socket.</summary>
    public string ConnectionString { get; }

    public string DataDirectory { get; }

    /// <summary>Folder of the server's Unix socket; null when the running server listens on TCP only.</summary>
    public string? SocketDirectory { get; }

    public int Port { get; }

    /// <summary>Process id of the postmaster.</summary>
    public int ProcessId { get; }

    /// <summary>True when this instance started the server (and so stops it on dispose).</summary>
    public bool OwnsServer => _binaries is not null;

    public static Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, CancellationToken cancellationToken)
    {
        return StartAsync(options, NullLogger.Instance, cancellationToken);
    }

    /// <summary>Connects to the PostgreSQL running on the data folder, or initializes and starts one, then creates the database if missing.</summary>
    /// <exception cref="EmbeddedPostgresException">No binaries, or initdb/pg_ctl failed (their output and the server log are in the message).</exception>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (!IdentifierPattern().IsMatch(options.DatabaseName))
        {
            throw new ArgumentException($"Database name '{options.DatabaseName}' must be a lower-case identifier.", nameof(options));
        }

        var dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
        Directory.CreateDirectory(Path.GetDirectoryName(dataDirectory)!);
        var runner = PostgresCommandRunner.ForCurrentProcess();
        using var launchLock = await DataDirectoryLock.AcquireAsync(dataDirectory, options.StartTimeout, cancellationToken);
        while (true)
        {
            var realDataDirectory = Directory.Exists(dataDirectory) ? NativeMethods.RealPath(dataDirectory) : dataDirectory;
            var pidFile = PostmasterPidFile.TryRead(dataDirectory);
            if (pidFile is not null && PostgresProcessTable.IsPostgresOf(pidFile.ProcessId, realDataDirectory))
            {
                var running = await TryAttachAsync(dataDirectory, realDataDirectory, pidFile.ProcessId, options, runner, logger, cancellationToken);
                if (running is not null)
                {
                    return running;
                }

                continue;
            }

            return await StartOwnAsync(dataDirectory, pidFile, options, runner, logger, cancellationToken);
        }
    }

    /// <summary>Stops the server with <c>pg_ctl -m fast stop</c> if this instance started it and it is still the one running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_binaries is null || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        var pidFile = PostmasterPidFile.TryRead(DataDirectory);
        if (pidFile?.ProcessId != ProcessId || !PostgresProcessTable.IsPostgresOf(ProcessId, NativeMethods.RealPath(DataDirectory)))
        {
            _logger.LogWarning("PostgreSQL {ProcessId} on {DataDirectory} no longer runs; nothing to stop", ProcessId, DataDirectory);
            return;
        }

        var result = await _runner.RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", Seconds(_stopTimeout)], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure("pg_ctl stop", result, DataDirectory, _runner.Account);
        }

        // pg_ctl returns once the pid file is gone, which the postmaster removes a moment before it exits.
        var deadline = DateTime.UtcNow + _stopTimeout;
        while (!PostgresProcessTable.HasExited(ProcessId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, cancellationToken);
        }

        if (SocketDirectory is not null && SocketDirectory != DataDirectory && !Directory.EnumerateFileSystemEntries(SocketDirectory).Any())
        {
            Directory.Delete(SocketDirectory);
        }

        _logger.LogInformation("Stopped PostgreSQL {ProcessId} on {DataDirectory}", ProcessId, DataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None);
        }
        catch (EmbeddedPostgresException exception)
        {
            _logger.LogError(exception, "Could not stop PostgreSQL on {DataDirectory}", DataDirectory);
        }
    }

    private static async Task<EmbeddedPostgres?> TryAttachAsync(
        string dataDirectory, string realDataDirectory, int processId, EmbeddedPostgresOptions options, PostgresCommandRunner runner, ILogger logger, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (deadline.Elapsed < options.StartTimeout)
        {
            var pidFile = PostmasterPidFile.TryRead(dataDirectory);
            if (pidFile?.ProcessId != processId || !PostgresProcessTable.IsPostgresOf(processId, realDataDirectory))
            {
                // It stopped or died while we waited: the caller decides again.
                return null;
            }

            if (pidFile.Port is not null)
            {
                var running = new EmbeddedPostgres(dataDirectory, pidFile, options, runner, binaries: null, logger);
                try
                {
                    await running.EnsureDatabaseAsync(options.DatabaseName, cancellationToken);
                    logger.LogInformation("Using the PostgreSQL already running on {DataDirectory} (pid {ProcessId})", dataDirectory, processId);
                    return running;
                }
                catch (NpgsqlException exception)
                {
                    // Starting up, shutting down or recovering: it answers once it is ready.
                    lastError = exception;
                }
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }

        throw new EmbeddedPostgresException(
            $"PostgreSQL {processId} runs on {dataDirectory} but did not accept connections within {Seconds(options.StartTimeout)} s: {lastError?.Message}\n"
            + PostgresServerLog.Tail(dataDirectory, 20),
            lastError ?? new TimeoutException());
    }

    private static async Task<EmbeddedPostgres> StartOwnAsync(
        string dataDirectory, PostmasterPidFile? stalePidFile, EmbeddedPostgresOptions options, PostgresCommandRunner runner, ILogger logger, CancellationToken cancellationToken)
    {
        var binaries = await SelectBinariesAsync(options, dataDirectory, cancellationToken);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(dataDirectory, binaries, options, runner, logger, cancellationToken);
        }

        var socketDirectory = PostgresSocketDirectory.For(dataDirectory);
        if (stalePidFile is not null)
        {
            await RemoveStaleServerAsync(dataDirectory, socketDirectory, stalePidFile, logger, cancellationToken);
        }

        PrepareSocketDirectory(socketDirectory, dataDirectory, runner.Account);
        var port = options.Port ?? (options.ListenOnLoopback ? FreeLoopbackPort() : 5432);
        PostgresConfigFile.EnsureIncluded(dataDirectory);
        PostgresConfigFile.Write(dataDirectory, Settings(options, socketDirectory, port), runner.Account);
        File.Delete(Path.Combine(dataDirectory, PostgresServerLog.StartupFileName));

        var result = await runner.RunAsync(
            binaries.PgCtl,
            ["start", "-D", dataDirectory, "-w", "-t", Seconds(options.StartTimeout), "-l", Path.Combine(dataDirectory, PostgresServerLog.StartupFileName)],
            cancellationToken);
        var pidFile = PostmasterPidFile.TryRead(dataDirectory);
        if (result.ExitCode != 0 || pidFile is null)
        {
            throw Failure("pg_ctl start", result, dataDirectory, runner.Account);
        }

        var started = new EmbeddedPostgres(dataDirectory, pidFile, options, runner, binaries, logger);
        logger.LogInformation(
            "Started PostgreSQL {ProcessId} from {Binaries} on {DataDirectory} (socket {SocketDirectory}, port {Port})",
            started.ProcessId, binaries.Directory, dataDirectory, socketDirectory, port);
        try
        {
            await started.EnsureDatabaseAsync(options.DatabaseName, cancellationToken);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    private static async Task<PostgresBinaries> SelectBinariesAsync(EmbeddedPostgresOptions options, string dataDirectory, CancellationToken cancellationToken)
    {
        var candidates = PostgresBinaries.FindAll(options.BinarySearchPath ?? PostgresBinaries.DefaultSearchPath());
        if (candidates.Count == 0)
        {
            throw new EmbeddedPostgresException(PostgresBinaries.NotFoundMessage);
        }

        var versionFile = Path.Combine(dataDirectory, "PG_VERSION");
        if (!File.Exists(versionFile) || !int.TryParse(File.ReadAllText(versionFile).Trim(), CultureInfo.InvariantCulture, out var required))
        {
            return candidates[0];
        }

        // A data folder only opens with the major version that created it, whatever comes first on PATH.
        var found = new List<string>();
        foreach (var candidate in candidates)
        {
            var version = await candidate.GetMajorVersionAsync(cancellationToken);
            if (version == required)
            {
                return candidate;
            }

            found.Add($"{candidate.Directory} ({version})");
        }

        throw new EmbeddedPostgresException(
            $"The data folder {dataDirectory} was created by PostgreSQL {required}, but only these server binaries were found: {string.Join(", ", found)}. "
            + $"Install PostgreSQL {required}, or upgrade the folder with pg_upgrade.");
    }

    private static async Task InitializeAsync(
        string dataDirectory, PostgresBinaries binaries, EmbeddedPostgresOptions options, PostgresCommandRunner runner, ILogger logger, CancellationToken cancellationToken)
    {
        var initializeInPlace = Directory.Exists(dataDirectory);
        if (initializeInPlace && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new EmbeddedPostgresException(
                $"{dataDirectory} is not empty and is not a PostgreSQL data folder (it has no PG_VERSION). Empty it or choose another data folder.");
        }

        // initdb works in a side folder renamed at the end, so that a crash never leaves a half-made data folder behind.
        var target = initializeInPlace ? dataDirectory : dataDirectory + ".initdb";
        if (!initializeInPlace && Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        UnixFiles.RestrictToOwner(target, isDirectory: true);
        if (runner.Account is not null)
        {
            NativeMethods.ChangeOwner(target, runner.Account);
        }

        logger.LogInformation("Initializing a PostgreSQL data folder at {DataDirectory} with {Binaries}", dataDirectory, binaries.Directory);
        var result = await runner.RunAsync(
            binaries.InitDb,
            ["-D", target, "-U", options.UserName, "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"],
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure("initdb", result, target, runner.Account);
        }

        if (!initializeInPlace)
        {
            Directory.Move(target, dataDirectory);
        }
    }

    private static async Task RemoveStaleServerAsync(
        string dataDirectory, string socketDirectory, PostmasterPidFile stalePidFile, ILogger logger, CancellationToken cancellationToken)
    {
        // Backends of a killed postmaster keep its shared memory attached, and PostgreSQL refuses to start until they are gone.
        var leftovers = PostgresProcessTable.FindProcessesOf(NativeMethods.RealPath(dataDirectory));
        foreach (var processId in leftovers)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                process.Kill();
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        if (leftovers.Count > 0)
        {
            logger.LogWarning("Killed {Count} left-over PostgreSQL processes of {DataDirectory}", leftovers.Count, dataDirectory);
            var waited = Stopwatch.StartNew();
            while (!leftovers.All(PostgresProcessTable.HasExited))
            {
                if (waited.Elapsed > s_leftoverExitTimeout)
                {
                    throw new EmbeddedPostgresException(
                        $"Left-over PostgreSQL processes of {dataDirectory} ({string.Join(", ", leftovers)}) did not exit after being killed.");
                }

                await Task.Delay(s_pollInterval, cancellationToken);
            }
        }

        // The killed postmaster may linger as a zombie, which PostgreSQL would take for a live owner of these files.
        File.Delete(Path.Combine(dataDirectory, PostmasterPidFile.FileName));
        if (Directory.Exists(socketDirectory))
        {
            foreach (var socketFile in Directory.EnumerateFiles(socketDirectory, ".s.PGSQL.*"))
            {
                File.Delete(socketFile);
            }
        }

        logger.LogWarning(
            "Removed the postmaster.pid of {DataDirectory} left by process {ProcessId}, which no longer runs PostgreSQL there",
            dataDirectory, stalePidFile.ProcessId);
    }

    private static void PrepareSocketDirectory(string socketDirectory, string dataDirectory, PostgresAccount? account)
    {
        if (socketDirectory == dataDirectory)
        {
            return;
        }

        var folder = new DirectoryInfo(socketDirectory);
        if (folder.LinkTarget is not null)
        {
            throw new EmbeddedPostgresException($"{socketDirectory} is a symbolic link; remove it so that PostgreSQL can put its socket there.");
        }

        folder.Create();
        UnixFiles.RestrictToOwner(socketDirectory, isDirectory: true);
        if (account is not null)
        {
            NativeMethods.ChangeOwner(socketDirectory, account);
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Settings(EmbeddedPostgresOptions options, string socketDirectory, int port)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = options.ListenOnLoopback ? "127.0.0.1" : "",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            ["unix_socket_directories"] = socketDirectory,
            // Local socket logins are trusted, so only the owner may reach the socket.
            ["unix_socket_permissions"] = "0700",
            // A week of daily files, so the log of a long-running server never grows without bound.
            ["logging_collector"] = "on",
            ["log_directory"] = PostgresServerLog.Directory,
            ["log_filename"] = "postgresql-%a.log",
            ["log_truncate_on_rotation"] = "on",
            ["log_rotation_age"] = "1d",
            ["log_rotation_size"] = "0",
            // A fleet at peak writes 10-15 MB of WAL a second: the 1 GB default forced a checkpoint every 30 s, each followed by
            // full-page images of every index page touched again. 4 GB lets the 5-minute timeout pace them.
            ["max_wal_size"] = DefaultMaxWalSize,
        };
        foreach (var (name, value) in options.ServerSettings)
        {
            settings[name] = value;
        }

        return settings;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Seconds(TimeSpan timeout) => ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static EmbeddedPostgresException Failure(string command, CommandResult result, string dataDirectory, PostgresAccount? account)
    {
        var message = new StringBuilder($"{command} failed for {dataDirectory} (exit code {result.ExitCode}).");
        var logTail = Directory.Exists(dataDirectory) ? PostgresServerLog.Tail(dataDirectory, 20) : "";
        if (account is not null && (result.Output + logTail).Contains("Permission denied", StringComparison.Ordinal))
        {
            message.Append($" PostgreSQL runs as '{account.Name}' here: it must be able to enter every folder above the data folder.");
        }

        message.Append('\n').Append(result.Output.Trim());
        if (logTail.Length > 0)
        {
            message.Append('\n').Append(logTail);
        }

        return new EmbeddedPostgresException(message.ToString());
    }

    private async Task EnsureDatabaseAsync(string databaseName, CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false, Timeout = 5 };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        const string existsSql = """
            SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @databaseName)
            """;
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(existsSql, new { databaseName }, cancellationToken: cancellationToken)))
        {
            return;
        }

        // The name is validated as an identifier in StartAsync; CREATE DATABASE takes no parameters.
        var createSql = $"""
            CREATE DATABASE "{databaseName}" ENCODING 'UTF8'
            """;
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(createSql, cancellationToken: cancellationToken));
            _logger.LogInformation("Created database {DatabaseName}", databaseName);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it between our check and our CREATE.
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
