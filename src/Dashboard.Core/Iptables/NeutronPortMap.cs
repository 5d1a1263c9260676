using Dashboard.Core.Parsing;

namespace Dashboard.Core.Iptables;

/// <summary>
/// Gathers the Neutron ports of one dump: a port per i/o/s chain name, its tap device from physdev matches,
/// and the IP/MAC pairs its anti-spoof chain lets through.
/// </summary>
internal sealed class NeutronPortMap
{
    private readonly List<NeutronPort> _ports = [];
    private readonly Dictionary<string, NeutronPort> _byPort = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NeutronChainRef?> _ingressRefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NeutronChainRef?> _egressRefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _tapPorts = new(StringComparer.Ordinal);

    public void AddChain(NeutronChainRef chain)
    {
        if (!_byPort.ContainsKey(chain.Port))
        {
            var port = new NeutronPort { Port = chain.Port };
            _byPort.Add(chain.Port, port);
            _ports.Add(port);
        }
    }

    /// <summary>Neutron port a physdev match points at: --physdev-out tapX is traffic to the VM (i), --physdev-in from it (o).</summary>
    public NeutronChainRef? PhysdevRef(string? physdevIn, string? physdevOut)
    {
        var (device, direction, references) = physdevOut is not null
            ? (physdevOut, NeutronChains.Ingress, _ingressRefs)
            : (physdevIn, NeutronChains.Egress, _egressRefs);
        if (device is null)
        {
            return null;
        }

        if (!references.TryGetValue(device, out var reference))
        {
            reference = PortOf(device) is { } port ? new NeutronChainRef { Port = port, Direction = direction } : null;
            references.Add(device, reference);
        }

        return reference;
    }

    public void AddDevice(string? device, long line, CappedDiagnostics diagnostics)
    {
        if (device is null || PortOf(device) is not { } port)
        {
            return;
        }

        if (!_devices.TryGetValue(port, out var known))
        {
            _devices.Add(port, device);
        }
        else if (known != device)
        {
            diagnostics.Warning(line, "physdev", $"tap devices {known} and {device} share the port prefix {port}; keeping {known}");
        }
    }

    private string? PortOf(string device)
    {
        if (!_tapPorts.TryGetValue(device, out var port))
        {
            port = NeutronChains.PortOfTapDevice(device);
            _tapPorts.Add(device, port);
        }

        return port;
    }

    public void AddAllowedPair(NeutronChainRef chain, string address, string? mac, long line, CappedDiagnostics diagnostics)
    {
        AddChain(chain);
        if (mac is not null && !IsMacAddress(mac))
        {
            diagnostics.Warning(line, "mac-source", $"'{mac}' is not a MAC address; pair {address} kept with it as printed");
        }

        _byPort[chain.Port].AllowedPairs.Add(new NeutronAllowedPair { Address = address, Mac = mac });
    }

    public List<NeutronPort> Build()
    {
        foreach (var port in _ports)
        {
            port.Device ??= _devices.GetValueOrDefault(port.Port);
        }

        return _ports;
    }

    private static bool IsMacAddress(string text)
    {
        if (text.Length != 17)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var expectColon = i % 3 == 2;
            if (expectColon ? text[i] != ':' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
