using System.Collections.Concurrent;

namespace Dashboard.Server.Storage;

/// <summary>
/// Database ids of dimension rows (iptables rules, NSX filters) by natural key, so a steady batch costs no upsert.
/// Entries are refreshed after a while so last_seen stays meaningful; only committed ids are ever added.
/// </summary>
public sealed class DimensionIdCache(TimeProvider clock)
{
    private static readonly TimeSpan s_refreshAfter = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (long Id, DateTimeOffset RefreshedAt)> _ids = new(StringComparer.Ordinal);

    public bool TryGetFresh(string key, out long id)
    {
        if (_ids.TryGetValue(key, out var entry) && clock.GetUtcNow() - entry.RefreshedAt < s_refreshAfter)
        {
            id = entry.Id;
            return true;
        }

        id = 0;
        return false;
    }

    public void AddCommitted(IEnumerable<KeyValuePair<string, long>> ids)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, id) in ids)
        {
            _ids[key] = (id, now);
        }
    }

    public int Count => _ids.Count;
}
