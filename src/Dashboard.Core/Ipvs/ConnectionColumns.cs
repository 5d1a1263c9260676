namespace Dashboard.Core.Ipvs;

/// <summary>Column names a connection format uses in its header, so diagnostics name the field as the user sees it.</summary>
internal sealed record ConnectionColumns(string Protocol, string State, string Client, string Virtual, string Destination)
{
    public static ConnectionColumns Ipvsadm { get; } = new("pro", "state", "source", "virtual", "destination");

    public static ConnectionColumns Proc { get; } = new("Pro", "State", "FromIP", "ToIP", "DestIP");
}
