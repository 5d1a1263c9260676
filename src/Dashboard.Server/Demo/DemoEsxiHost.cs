using System.Globalization;
using System.Text;

namespace Dashboard.Server.Demo;

/// <summary>
/// The ESXi host of seed 2, which cannot run the agent: it posts raw `summarize-dvfilter` once and then
/// `vsipioctl getfilterstat` output (documented layout) to the raw ingest endpoint. The director's vNIC drops rise as
/// state-mismatch while the failure lasts; the real server's vNIC stays clean.
/// </summary>
public sealed class DemoEsxiHost(string name) : IDemoHost
{
    private const string DirectorFilter = "nic-1371516-eth0-vmware-sfw.2";
    private const string RealServerFilter = "nic-1371602-eth0-vmware-sfw.2";
    private readonly Random _random = new(11);
    private double _lastSecond = -1;
    private ulong _pass = 583_221;
    private ulong _stateMismatch = 1_870;
    private ulong _match = 6;
    private ulong _rsPass = 402_118;
    private bool _namesSent;

    public string Name => name;
    public string Role => "nsx";

    public DemoPush NextPush(DateTimeOffset at, double loopSecond, long sequence)
    {
        if (!_namesSent)
        {
            _namesSent = true;
            return new DemoPush(null, "nsx-dvfilter", $"""
                world 1371516 vmm0:lvs-b vcUuid:'50 20 92 e1 11 b7 10 d3-56 c5 e0 da 46 87 b5 d2'
                 port 67108881 lvs-b.eth0
                  vNic slot 2
                   name: {DirectorFilter}
                world 1371602 vmm0:web-12 vcUuid:'50 20 44 0a 9c 11 2d 8e-77 01 ab cd 12 34 56 78'
                 port 67108883 web-12.eth0
                  vNic slot 2
                   name: {RealServerFilter}

                """);
        }

        var elapsed = _lastSecond < 0 || loopSecond < _lastSecond ? 5 : loopSecond - _lastSecond;
        _lastSecond = loopSecond;
        var packets = 300 * elapsed * (0.9 + _random.NextDouble() * 0.2);
        _pass += (ulong)packets;
        _rsPass += (ulong)(packets * 0.9);
        if (DemoTimeline.PhaseAt(loopSecond) == DemoPhase.Failing)
        {
            // Large transfers: after some dozens of packets each flow's window moves past what the half-seeing DFW accepts.
            _stateMismatch += (ulong)(packets * 0.13);
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"""
            {DirectorFilter}
              mac : 00:50:56:a0:5e:1c
              FW algorithm : FP2
              sessions : 12
              pass : {_pass}
              drop : {_stateMismatch + _match}
              State-mismatch : {_stateMismatch}
              Match : {_match}
            {RealServerFilter}
              mac : 00:50:56:a0:61:02
              pass : {_rsPass}
              drop : 0

            """);
        return new DemoPush(null, "nsx-filterstat", text);
    }
}
