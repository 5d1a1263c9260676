using static Dashboard.Benchmarks.SyntheticDirector;

namespace Dashboard.Benchmarks;

/// <summary>ipvsadm -Lnc output: list_conn() titles, then print_conn()'s "%-3s %-6s %-11s %-18s %-18s %s\n".</summary>
public sealed class IpvsadmConnGenerator : IInputGenerator
{
    public string Name => "ipvsadm-conn";

    public void Write(TextWriter output, int lines, int seed)
    {
        output.Write("IPVS connection entries\npro expire state       source             virtual            destination\n");
        var director = new SyntheticDirector(seed);
        for (var i = 2; i < lines; i++)
        {
            var row = director.Next();
            var expire = $"{row.Expires / 60:00}:{row.Expires % 60:00}";
            var client = $"{Dotted(row.ClientAddress)}:{row.ClientPort}";
            var @virtual = $"{Dotted(row.VirtualAddress)}:{row.VirtualPort}";
            output.Write($"{row.Protocol,-3} {expire,-6} {row.State,-11} {client,-18} {@virtual,-18} {Dotted(row.DestinationAddress)}:{row.DestinationPort}\n");
        }
    }
}
