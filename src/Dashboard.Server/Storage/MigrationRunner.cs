// Kept over DbUp and Evolve (issue 25): DbUp journals names without checksums, so an edited applied file is skipped silently (DbUp#277), and has no runner lock; Evolve has checksums, a transaction per file and a cluster lock, but journals a failed file outside its rolled-back transaction, waits for its lock in an uncancellable Thread.Sleep loop with no async API, and would need every existing schema_migrations journal converted.
using System.Data;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// Applies numbered, forward-only SQL migrations once each, journaled in <c>schema_migrations</c>,
/// under an advisory lock so that servers starting together never apply a file twice.
/// </summary>
public sealed partial class MigrationRunner
{
    private const string ResourcePrefix = "Migrations.";

    // Any fixed value works; it only has to be the same in every server of one database.
    internal const long AdvisoryLockKey = 0x4C56_5344_4D49_4752;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationScript> _scripts;
    private readonly ILogger _logger;

    public MigrationRunner(NpgsqlDataSource dataSource, IEnumerable<MigrationScript> scripts, ILogger logger)
    {
        _dataSource = dataSource;
        _scripts = scripts.OrderBy(script => script.Name, StringComparer.Ordinal).ToList();
        _logger = logger;
        var duplicate = _scripts.GroupBy(script => script.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Migration {duplicate.Key} is given more than once.", nameof(scripts));
        }
    }

    /// <summary>The scripts in the order they are applied.</summary>
    public IReadOnlyList<MigrationScript> Scripts => _scripts;

    /// <summary>A runner of the migrations embedded in the server assembly.</summary>
    public static MigrationRunner FromEmbeddedResources(NpgsqlDataSource dataSource, ILogger logger)
    {
        return new MigrationRunner(dataSource, LoadEmbeddedScripts(typeof(MigrationRunner).Assembly), logger);
    }

    /// <summary>Scripts from resources named <c>Migrations.NNNN_name.sql</c>, ordered by name.</summary>
    public static IReadOnlyList<MigrationScript> LoadEmbeddedScripts(Assembly assembly)
    {
        var scripts = new List<MigrationScript>();
        foreach (var resourceName in assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            var fileName = resourceName[ResourcePrefix.Length..];
            if (!FileNamePattern().IsMatch(fileName))
            {
                throw new InvalidOperationException($"Migration {fileName} must be named like 0001_short_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resourceName)!;
            using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
            scripts.Add(new MigrationScript(fileName, reader.ReadToEnd()));
        }

        return scripts;
    }

    /// <summary>Applies every script the journal does not hold yet, each in its own transaction with its journal row.</summary>
    /// <returns>The names of the scripts this call applied, in order.</returns>
    /// <exception cref="MigrationChecksumException">An applied script was edited; nothing is applied.</exception>
    /// <exception cref="MigrationFailedException">A script failed; it and its journal row were rolled back.</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        const string lockSql = """
            SELECT pg_advisory_lock(@key)
            """;
        await connection.ExecuteAsync(new CommandDefinition(lockSql, new { key = AdvisoryLockKey }, commandTimeout: 0, cancellationToken: cancellationToken));
        try
        {
            const string createJournalSql = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    file_name text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """;
            await connection.ExecuteAsync(new CommandDefinition(createJournalSql, cancellationToken: cancellationToken));
            var journal = await ReadJournalAsync(connection, cancellationToken);
            foreach (var script in _scripts)
            {
                if (journal.TryGetValue(script.Name, out var stored) && stored != script.Checksum)
                {
                    throw new MigrationChecksumException(script.Name, stored, script.Checksum);
                }
            }

            var applied = new List<string>();
            foreach (var script in _scripts.Where(script => !journal.ContainsKey(script.Name)))
            {
                await ApplyOneAsync(connection, script, cancellationToken);
                applied.Add(script.Name);
                _logger.LogInformation("Applied migration {FileName}", script.Name);
            }

            return applied;
        }
        finally
        {
            await ReleaseLockAsync(connection, CancellationToken.None);
        }
    }

    /// <summary>True when every script is in the journal with its current checksum (for readiness probes).</summary>
    public async Task<bool> IsUpToDateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        const string journalExistsSql = """
            SELECT to_regclass('schema_migrations') IS NOT NULL
            """;
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(journalExistsSql, cancellationToken: cancellationToken)))
        {
            return false;
        }

        var journal = await ReadJournalAsync(connection, cancellationToken);
        return _scripts.All(script => journal.TryGetValue(script.Name, out var stored) && stored == script.Checksum);
    }

    private static async Task<Dictionary<string, string>> ReadJournalAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string journalSql = """
            SELECT file_name, checksum FROM schema_migrations
            """;
        var rows = await connection.QueryAsync<(string FileName, string Checksum)>(new CommandDefinition(journalSql, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.FileName, row => row.Checksum, StringComparer.Ordinal);
    }

    private static async Task ApplyOneAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // No timeout: a migration takes as long as the data it rewrites; cancellation still stops it.
            await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        }
        catch (PostgresException exception)
        {
            throw new MigrationFailedException(script.Name, exception);
        }

        const string journalSql = """
            INSERT INTO schema_migrations (file_name, checksum) VALUES (@name, @checksum)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            journalSql, new { name = script.Name, checksum = script.Checksum }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ReleaseLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A broken session has already lost its lock; an open one must not keep it while it idles in the pool.
        if (connection.FullState != ConnectionState.Open)
        {
            return;
        }

        const string unlockSql = """
            SELECT pg_advisory_unlock(@key)
            """;
        await connection.ExecuteAsync(new CommandDefinition(unlockSql, new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
    }

    [GeneratedRegex(@"^\d{4}_[a-z0-9_]+\.sql$")]
    private static partial Regex FileNamePattern();
}
