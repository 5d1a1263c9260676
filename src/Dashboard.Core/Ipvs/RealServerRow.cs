namespace Dashboard.Core.Ipvs;

/// <summary>One real server's counts in a <see cref="RealServerTable"/>; its state counts are a slice of the table's.</summary>
public readonly record struct RealServerRow(
    string Destination,
    string? Forward,
    int? Weight,
    long? ActiveConn,
    long? InActConn,
    long Connections,
    long SynRecv,
    long Templates,
    int StatesStart,
    int StatesCount)
{
    public double SynRecvRatio => RealServerSample.Share(SynRecv, Connections);
}
