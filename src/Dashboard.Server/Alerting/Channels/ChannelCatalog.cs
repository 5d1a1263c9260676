using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// Every channel: the ones from settings first (their names win), then the ones admins added, re-read from the database
/// every half minute so each server instance follows.
/// </summary>
public sealed class ChannelCatalog(IOptionsMonitor<AlertingOptions> options, ChannelRepository repository)
{
    private static readonly TimeSpan s_reloadEvery = TimeSpan.FromSeconds(30);

    private IReadOnlyList<AlertChannel> _stored = [];
    private long _loadedAtTicks = long.MinValue;

    public IReadOnlyList<AlertChannel> FromSettings => options.CurrentValue.Channels
        .Where(c => c.Name.Length > 0)
        .DistinctBy(c => c.Name, StringComparer.Ordinal)
        .Select(c => new AlertChannel(c.Name, c.Kind.ToLowerInvariant(), c.Url, string.IsNullOrEmpty(c.Secret) ? null : c.Secret,
            ChannelLanguages.All.Contains(c.Language) ? c.Language : ChannelLanguages.English, c.Enabled, AlertChannel.FromSettings))
        .ToList();

    public async Task<IReadOnlyList<AlertChannel>> AllAsync(CancellationToken ct)
    {
        if (Environment.TickCount64 - _loadedAtTicks > s_reloadEvery.TotalMilliseconds)
        {
            await ReloadAsync(ct);
        }

        var settings = FromSettings;
        var names = settings.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return [.. settings, .. _stored.Where(c => !names.Contains(c.Name))];
    }

    public async Task<AlertChannel?> FindAsync(string name, CancellationToken ct) =>
        (await AllAsync(ct)).FirstOrDefault(c => c.Name == name);

    public async Task ReloadAsync(CancellationToken ct)
    {
        _stored = await repository.ListAsync(ct);
        _loadedAtTicks = Environment.TickCount64;
    }
}
