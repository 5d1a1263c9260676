namespace Dashboard.Server.Live;

/// <summary>
/// A live chart point as the rings keep it: half the size of <see cref="SeriesPoint"/>, since the rings of a large fleet
/// hold a hundred million of them. Counts beyond int range are kept at its maximum.
/// </summary>
internal readonly struct HistoryPoint(long utcTicks, long connections, long synRecv)
{
    private readonly long _utcTicks = utcTicks;
    private readonly int _connections = Saturate(connections);
    private readonly int _synRecv = Saturate(synRecv);

    public SeriesPoint ToSeriesPoint() => new(new DateTimeOffset(_utcTicks, TimeSpan.Zero), _connections, _synRecv);

    private static int Saturate(long value) => (int)Math.Clamp(value, 0, int.MaxValue);
}
