using System.Collections.Concurrent;

namespace Dashboard.Server.Storage;

/// <summary>
/// Database ids of dimension rows (iptables rules, NSX filters) by natural key, so a steady batch costs no upsert.
/// Entries are refreshed after a while so last_seen stays meaningful; only committed ids are ever added.
/// </summary>
public sealed class DimensionIdCache(TimeProvider clock)
{
    private static readonly TimeSpan s_refreshAfter = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<DimensionKey, (long Id, DateTimeOffset RefreshedAt)> _ids = new();

    public bool TryGetFresh(DimensionKey key, out long id)
    {
        if (_ids.TryGetValue(key, out var entry) && clock.GetUtcNow() - entry.RefreshedAt < s_refreshAfter)
        {
            id = entry.Id;
            return true;
        }

        id = 0;
        return false;
    }

    public void AddCommitted(IEnumerable<KeyValuePair<DimensionKey, long>> ids)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, id) in ids)
        {
            _ids[key] = (id, now);
        }
    }

    public int Count => _ids.Count;
}

/// <summary>A dimension row's natural key, compared field by field: looking one up builds no string.</summary>
public readonly record struct DimensionKey(string Kind, string Host, string Namespace, string Name);
