namespace Dashboard.Server.Live;

/// <summary>One point of a live chart: when, connections, SYN_RECV.</summary>
public readonly record struct SeriesPoint(DateTimeOffset At, long Connections, long SynRecv)
{
    public double Ratio => Core.Ipvs.RealServerSample.Share(SynRecv, Connections);
}
