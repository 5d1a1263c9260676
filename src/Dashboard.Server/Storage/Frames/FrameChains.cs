using System.Collections.Concurrent;

namespace Dashboard.Server.Storage.Frames;

/// <summary>
/// The last committed frame of each host and kind, so the next one can store its counters as differences from it. A chain
/// starts again (a frame with whole values) after <see cref="MaxLinks"/> links, at a new UTC day (a partition dropped by
/// retention never holds the start of a chain that goes on in a kept one), with a new layout, or when frames arrive out of order.
/// </summary>
public sealed class FrameChains
{
    /// <summary>About five minutes of pushes: reading any frame back decodes at most this many more.</summary>
    public const int MaxLinks = 60;

    private readonly ConcurrentDictionary<(string Host, FrameKind Kind), Link> _last = new();

    public sealed record Link(DateTimeOffset At, long LayoutId, long?[][] Values, int Length);

    /// <summary>The frame a new one at <paramref name="at"/> with this layout may link to, or null to store whole values.</summary>
    public Link? LinkFor(string host, FrameKind kind, DateTimeOffset at, long layoutId) =>
        _last.TryGetValue((host, kind), out var last)
        && last.LayoutId == layoutId
        && last.At < at
        && last.At.UtcDateTime.Date == at.UtcDateTime.Date
        && last.Length < MaxLinks
            ? last
            : null;

    /// <summary>Records committed frames; an older frame (a replay) does not replace a newer one.</summary>
    public void Committed(string host, FrameKind kind, Link link) =>
        _last.AddOrUpdate((host, kind), link, (_, existing) => existing.At > link.At ? existing : link);

    public int Count => _last.Count;
}
