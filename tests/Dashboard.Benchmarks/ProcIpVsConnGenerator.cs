namespace Dashboard.Benchmarks;

/// <summary>/proc/net/ip_vs_conn: its title, then ip_vs_conn_seq_show()'s "%-3s %08X %04X %08X %04X %s %04X %-11s %7u\n".</summary>
public sealed class ProcIpVsConnGenerator : IInputGenerator
{
    public string Name => "proc-ip-vs-conn";

    public void Write(TextWriter output, int lines, int seed)
    {
        output.Write("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
        var director = new SyntheticDirector(seed);
        for (var i = 1; i < lines; i++)
        {
            var r = director.Next();
            output.Write($"{r.Protocol,-3} {r.ClientAddress:X8} {r.ClientPort:X4} {r.VirtualAddress:X8} {r.VirtualPort:X4} {r.DestinationAddress:X8} {r.DestinationPort:X4} {r.State,-11} {r.Expires,7}\n");
        }
    }
}
