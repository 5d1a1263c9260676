namespace Dashboard.Core.Iptables;

/// <summary>
/// What Neutron's iptables firewall driver encodes in chain names, tap devices and rule comments
/// (neutron iptables_firewall.py, iptables_manager.py, iptables_comments.py).
/// </summary>
public static class NeutronChains
{
    public const string OpenVSwitchAgentPrefix = "neutron-openvswi-";
    public const string LinuxBridgeAgentPrefix = "neutron-linuxbri-";
    public const string FallbackChainSuffix = "sg-fallback";

    public const string PairAllowComment = "Allow traffic from defined IP/MAC pairs.";
    public const string PairDropComment = "Drop traffic without an IP/MAC allow rule.";
    public const string InvalidDropComment =
        "Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack.";
    public const string UnmatchedDropComment = "Default drop rule for unmatched traffic.";
    public const string SendToFallbackComment = "Send unmatched traffic to the fallback chain.";
    public const string DhcpSpoofComment = "Prevent DHCP Spoofing by VM.";

    public const string Ingress = "i";
    public const string Egress = "o";
    public const string Spoof = "s";

    // Chain names are cut to 28 characters: 17 of wrap prefix, 1 of direction, 10 of the port UUID.
    private const int PortPrefixLength = 10;

    /// <summary>Port-id prefix and direction of a per-port chain such as neutron-openvswi-i38833ad6-c; null for shared chains.</summary>
    public static NeutronChainRef? PortChain(string chain) =>
        TryParsePortChain(chain, out var port, out var direction) ? new NeutronChainRef { Port = port, Direction = direction } : null;

    public static bool TryParsePortChain(string chain, out string port, out string direction)
    {
        port = direction = "";
        var rest = AfterAgentPrefix(chain);
        if (rest.Length < 1 + 8 + 1 + 1 || rest.Length > 1 + 8 + 1 + 2)
        {
            return false;
        }

        direction = rest[0] switch { 'i' => Ingress, 'o' => Egress, 's' => Spoof, _ => "" };
        var id = rest[1..];
        if (direction.Length == 0 || !IsHex(id[..8]) || id[8] != '-' || !IsHex(id[9..]))
        {
            direction = "";
            return false;
        }

        port = id.ToString();
        return true;
    }

    /// <summary>The chain belongs to a Neutron agent's wrapped chains (openvswitch or linuxbridge agent).</summary>
    public static bool IsAgentChain(string chain) =>
        chain.StartsWith(OpenVSwitchAgentPrefix, StringComparison.Ordinal) ||
        chain.StartsWith(LinuxBridgeAgentPrefix, StringComparison.Ordinal);

    public static bool IsFallbackChain(string? chain) =>
        chain is not null && AfterAgentPrefix(chain).SequenceEqual(FallbackChainSuffix);

    /// <summary>Port-id prefix (10 characters, as in chain names) of a VM tap device such as tap38833ad6-c6.</summary>
    public static string? PortOfTapDevice(ReadOnlySpan<char> device)
    {
        if (device.Length != 3 + 8 + 1 + 2 || !device.StartsWith("tap", StringComparison.Ordinal))
        {
            return null;
        }

        var id = device[3..];
        return IsHex(id[..8]) && id[8] == '-' && IsHex(id[9..]) ? id[..PortPrefixLength].ToString() : null;
    }

    /// <summary>Which known Neutron drop rule this is, from its comment, or from chain/target/state when comments are off.</summary>
    public static string? DropKindOf(string chain, string? comment, string? target, bool matchesInvalidState)
    {
        switch (comment)
        {
            case PairDropComment:
                return NeutronDropKinds.AntiSpoof;
            case InvalidDropComment:
                return NeutronDropKinds.ConntrackInvalid;
            case DhcpSpoofComment:
                return NeutronDropKinds.DhcpSpoof;
            case UnmatchedDropComment or SendToFallbackComment:
                return NeutronDropKinds.SgFallback;
        }

        if (IsFallbackChain(target))
        {
            return NeutronDropKinds.SgFallback;
        }

        if (target != "DROP")
        {
            return null;
        }

        if (matchesInvalidState)
        {
            return NeutronDropKinds.ConntrackInvalid;
        }

        if (IsFallbackChain(chain))
        {
            return NeutronDropKinds.SgFallback;
        }

        return TryParsePortChain(chain, out _, out var direction) && direction == Spoof ? NeutronDropKinds.AntiSpoof : null;
    }

    private static ReadOnlySpan<char> AfterAgentPrefix(string chain) =>
        IsAgentChain(chain) ? chain.AsSpan(OpenVSwitchAgentPrefix.Length) : default;

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
