using System.Text;
using Dashboard.Core.Ipvs;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

/// <summary>
/// Random connection tables in both documented layouts, checked against a plain split-and-count reference: the
/// parsers' shortcuts for repeated rows must count exactly what the field-by-field reading counts.
/// </summary>
public sealed class ConnectionTableProperties
{
    private static readonly string[] s_states = ["ESTABLISHED", "FIN_WAIT", "SYN_RECV", "TIME_WAIT", "CLOSE", "NONE", "ASSURED", "UDP", "LAST_ACK", "SYN_REVV", "SHUTDOWN_ACK_SER", "ERR!"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_RandomDocumentedLayoutIpvsadmTable_SameCountsAsReference(int seed)
    {
        var rows = RandomRows(seed, 30_000);
        var text = IpvsadmConnTitle + string.Concat(rows.Select(r => IpvsadmConnRow(r.Protocol, Expire(r.Expires), r.State, $"{r.Client}:{r.ClientPort}", $"{r.Virtual}:{r.VirtualPort}", $"{r.Destination}:{r.DestinationPort}")));

        var summary = IpvsadmConnectionParser.Parse(Text(text)).Value;

        AssertMatchesReference(rows, summary, r => $"{r.Virtual}:{r.VirtualPort}", r => $"{r.Destination}:{r.DestinationPort}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Parse_RandomDocumentedLayoutProcTable_SameCountsAsReference(int seed)
    {
        var rows = RandomRows(seed, 30_000);
        var text = ProcConnTitle + string.Concat(rows.Select(r => ProcConnRow(r.Protocol, Ipv4(r.Client), r.ClientPort, Ipv4(r.Virtual), r.VirtualPort, Ipv4(r.Destination), r.DestinationPort, r.State, (uint)r.Expires)));

        var summary = ProcIpVsConnParser.Parse(Text(text)).Value;

        AssertMatchesReference(rows, summary, r => $"{r.Virtual}:{r.VirtualPort}", r => $"{r.Destination}:{r.DestinationPort}");
    }

    [Fact]
    public void Parse_MoreRowsOfTheSameDocumentedLayoutTable_AllocationDoesNotGrow()
    {
        var rows = RandomRows(6, 40_000);
        // The large table repeats the small one's rows: the same keys, five times the lines.
        byte[] Table(int copies) => Encoding.ASCII.GetBytes(IpvsadmConnTitle + string.Concat(Enumerable.Repeat(rows, copies).SelectMany(r => r).Select(r =>
            IpvsadmConnRow(r.Protocol, Expire(r.Expires), r.State, $"{r.Client}:{r.ClientPort}", $"{r.Virtual}:{r.VirtualPort}", $"{r.Destination}:{r.DestinationPort}"))));
        var small = Table(1);
        var large = Table(5);
        IpvsadmConnectionParser.Parse(Bytes(small));

        // Least of three: a pooled read buffer trimmed by a collection between calls is re-allocated once (about 64 KB), a per-row cost every time.
        static long Allocated(byte[] table) => Enumerable.Range(0, 3).Min(_ =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            IpvsadmConnectionParser.Parse(Bytes(table));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });
        var forSmall = Allocated(small);
        var forLarge = Allocated(large);

        // Five times the rows of the same keys: one small object per row would show as 3.8 MB here, one per six rows as 640 KB.
        Assert.InRange(forLarge - forSmall, -64 * 1024, 64 * 1024);
    }

    private static void AssertMatchesReference(List<Row> rows, IpvsConnectionSummary summary, Func<Row, string> @virtual, Func<Row, string> destination)
    {
        static bool IsTemplate(Row r) => r.ClientPort == 0 && r.State is "NONE" or "ASSURED";
        var expected = rows
            .GroupBy(r => (r.Protocol, Virtual: @virtual(r), Destination: destination(r)))
            .OrderBy(g => g.Key.Protocol, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (Templates: (long)g.Count(IsTemplate), States: g.Where(r => !IsTemplate(r)).GroupBy(r => r.State).ToDictionary(s => s.Key, s => (long)s.Count())));

        Assert.Equal(rows.Count(r => !IsTemplate(r)), summary.Connections);
        Assert.Equal(rows.Count(IsTemplate), summary.Templates);
        Assert.Equal(expected.Count, summary.Destinations.Count);
        foreach (var d in summary.Destinations)
        {
            var (templates, states) = expected[(d.Protocol, d.Virtual, d.Destination)];
            Assert.Equal(templates, d.Templates);
            Assert.Equal(states.OrderBy(s => s.Key, StringComparer.Ordinal), d.ByState);
        }

        var synRecv = rows.Where(r => r.State == "SYN_RECV" && !IsTemplate(r))
            .GroupBy(r => (r.Protocol, Virtual: @virtual(r), r.Client))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        // Space-Saving reports an upper bound that is off by at most its overcount, and never a source that was not there.
        Assert.NotEmpty(summary.TopSynRecvSources);
        Assert.All(summary.TopSynRecvSources, s => Assert.InRange(synRecv[(s.Protocol, s.Virtual, s.Client)], s.Connections - s.Overcount, s.Connections));
    }

    private static string Expire(int seconds) => $"{seconds / 60:00}:{seconds % 60:00}";

    /// <summary>Few virtual/destination pairs, many clients, every kind of row the fast paths must hand over.</summary>
    private static List<Row> RandomRows(int seed, int count)
    {
        var random = new Random(seed);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var vip = random.Next(12);
            var state = s_states[random.Next(s_states.Length)];
            var client = random.Next(6) switch
            {
                0 => $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}",
                1 => $"1.2.{random.Next(4)}.{random.Next(10)}",
                _ => $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}",
            };
            rows.Add(new Row(
                vip % 5 == 4 ? "UDP" : "TCP",
                random.Next(8) == 0 ? (ushort)0 : (ushort)random.Next(1, 65536),
                client,
                $"10.1.26.{200 + vip}",
                (ushort)(vip % 3 == 0 ? 80 : 10051),
                $"10.1.{27 + (vip / 4)}.{random.Next(1, 9)}",
                (ushort)(vip % 3 == 0 ? 80 : 10051),
                state,
                random.Next(10) == 0 ? random.Next(3600, 100_000) : random.Next(0, 900)));
        }

        return rows;
    }

    private sealed record Row(string Protocol, ushort ClientPort, string Client, string Virtual, ushort VirtualPort, string Destination, ushort DestinationPort, string State, int Expires);
}
