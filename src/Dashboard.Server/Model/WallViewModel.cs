using Dashboard.Server.Hosting;
using Dashboard.Server.Live;

namespace Dashboard.Server.Model;

/// <summary>The wall display: pages of VIP tiles (a playlist, or one page per director) and which one shows now.</summary>
public sealed class WallViewModel
{
    public required IReadOnlyList<WallPageView> Pages { get; init; }
    public required DateTimeOffset? DataAsOf { get; init; }

    public static WallViewModel From(LiveStore live, WallOptions options)
    {
        var directors = live.Hosts.Where(h => h.Virtuals.Count > 0).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var playlist = options.Playlist.Count > 0 ? options.Playlist : DefaultPlaylist(directors);
        var pages = playlist.Select(page => new WallPageView(page.Title, directors
                .Where(d => page.Directors.Contains(d.Name, StringComparer.Ordinal) || page.Directors.Contains("*"))
                .SelectMany(d => d.Virtuals.Select(v => Tile(live, d, v)))
                .ToList()))
            .Where(p => p.Tiles.Count > 0)
            .ToList();
        return new WallViewModel { Pages = pages, DataAsOf = directors.Count == 0 ? null : directors.Max(d => d.CollectedAt) };
    }

    /// <summary>Without a playlist: as many whole directors per page as fit twelve tiles, so a small fleet never rotates.</summary>
    private static List<WallPage> DefaultPlaylist(IReadOnlyList<HostSnapshot> directors)
    {
        const int tilesPerPage = 12;
        var pages = new List<WallPage>();
        var current = new WallPage();
        var tiles = 0;
        foreach (var director in directors)
        {
            if (tiles > 0 && tiles + director.Virtuals.Count > tilesPerPage)
            {
                pages.Add(current);
                current = new WallPage();
                tiles = 0;
            }

            current.Directors.Add(director.Name);
            current.Title = string.Join(" · ", current.Directors);
            tiles += director.Virtuals.Count;
        }

        if (tiles > 0)
        {
            pages.Add(current);
        }

        return pages;
    }

    private static WallTile Tile(LiveStore live, HostSnapshot director, VirtualServiceLive vip)
    {
        var history = live.History(director.Name, vip.Protocol, vip.Virtual);
        var max = history.Length == 0 ? vip.Connections : Math.Max(vip.Connections, history.Max(p => p.Connections));
        return new WallTile(director.Name, vip.Protocol, vip.Virtual, vip.Connections, max, vip.SynRecv, vip.SynRecvRatio,
            vip.RealServersUp, vip.RealServers.Count, VipHealth.Of(vip, live.IsSilent(director)));
    }
}

public sealed record WallPageView(string Title, IReadOnlyList<WallTile> Tiles);

/// <summary>One VIP on the wall: current and maximum connections (as HAProxy's stats page shows them), SYN_RECV share, health.</summary>
public sealed record WallTile(string Director, string Protocol, string Virtual, long Connections, long MaxConnections, long SynRecv,
    double SynRecvRatio, int RealServersUp, int RealServers, HealthLevel Health);
