namespace Dashboard.Core.Ipvs;

/// <summary>One connection line, checked field by field, before it is counted.</summary>
internal ref struct ConnectionRow
{
    public ReadOnlySpan<byte> Protocol;
    public ReadOnlySpan<byte> State;
    public ParsedEndpoint Client;
    public ReadOnlySpan<byte> ClientText;
    public ParsedEndpoint Virtual;
    public ReadOnlySpan<byte> VirtualText;
    public ParsedEndpoint Destination;
    public ReadOnlySpan<byte> DestinationText;
}
