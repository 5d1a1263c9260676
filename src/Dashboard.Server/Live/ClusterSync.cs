using System.Globalization;
using System.Threading.Channels;
using Dapper;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Server.Live;

/// <summary>
/// Keeps every server instance's live store in step: each committed batch is announced with NOTIFY in its own transaction,
/// the other instances LISTEN and rebuild it from the stored samples. At start, the last known state of every recently seen
/// host is loaded, so a restarted server does not show an empty dashboard.
/// </summary>
public sealed class ClusterSync(
    DashboardDatabase database,
    StoredBatchReader reader,
    LiveStore live,
    ServerInstance instance,
    ILogger<ClusterSync> logger) : BackgroundService, IHostedLifecycleService
{
    private static readonly TimeSpan s_warmWindow = TimeSpan.FromHours(1);
    private readonly Channel<(string Role, string Host, DateTimeOffset At)> _pending = System.Threading.Channels.Channel.CreateBounded<(string, string, DateTimeOffset)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>The last known state is loaded before the server takes its first request, so no page ever shows half of it.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await WarmStartAsync(cap.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Loading the last known state took longer than 30 s; the rest arrives with the next batches");
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var apply = ApplyLoopAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Listening for other instances' batches failed, retrying: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }

        await apply;
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        // A connection of its own, outside the pool: LISTEN belongs to one session.
        var builder = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString) { Pooling = false, KeepAlive = 30 };
        await using var conn = new NpgsqlConnection(builder.ConnectionString);
        await conn.OpenAsync(ct);
        conn.Notification += (_, e) =>
        {
            if (CommitNotice.TryParse(e.Payload, instance, out var role, out var host, out var at))
            {
                _pending.Writer.TryWrite((role, host, at));
            }
        };
        await using (var listen = new NpgsqlCommand($"listen {CommitNotice.Channel}", conn))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        while (!ct.IsCancellationRequested)
        {
            await conn.WaitAsync(ct);
        }
    }

    private async Task ApplyLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (role, host, at) in _pending.Reader.ReadAllAsync(ct))
            {
                try
                {
                    live.Apply(await reader.ReadAsync(host, at, ct), role, DateTimeOffset.UtcNow);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    logger.LogWarning("Could not load {Host}'s batch of {At:O} announced by another instance: {Reason}", host, at, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task WarmStartAsync(CancellationToken ct)
    {
        try
        {
            const string sql = "select name, role from hosts where last_seen > now() - @window order by name";
            await using var conn = await database.DataSource.OpenConnectionAsync(ct);
            var hosts = (await conn.QueryAsync<(string Name, string Role)>(new CommandDefinition(sql, new { window = s_warmWindow }, cancellationToken: ct))).ToList();
            foreach (var (name, role) in hosts)
            {
                foreach (var at in await reader.LatestTimesAsync(name, s_warmWindow, ct))
                {
                    var batch = await reader.ReadAsync(name, at, ct);
                    live.Apply(batch, role, at);
                }
            }

            if (hosts.Count > 0)
            {
                logger.LogInformation("Loaded the last known state of {Count} hosts", hosts.Count);
            }
        }
        catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e) || e is PostgresException)
        {
            logger.LogWarning("Could not load the last known state: {Reason}", e.Message);
        }
    }
}
