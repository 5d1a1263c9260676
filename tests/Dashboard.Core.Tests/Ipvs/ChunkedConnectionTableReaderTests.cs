using System.Text;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

/// <summary>
/// Reading a connection table file in chunks on several threads must give exactly what one pass gives: the same
/// summary (SYN_RECV sketches included), the same diagnostics on the same line numbers, the same line tallies.
/// Chunks are made tiny here so their edges fall everywhere, inside long lines too.
/// </summary>
public sealed class ChunkedConnectionTableReaderTests : IDisposable
{
    private static readonly string[] s_states = ["ESTABLISHED", "FIN_WAIT", "SYN_RECV", "SYN_RECV", "TIME_WAIT", "CLOSE", "NONE", "ASSURED", "UDP", "LAST_ACK", "INIT", "ERR!"];

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"chunked-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData(1, 2, 700)]
    [InlineData(2, 2, 4096)]
    [InlineData(3, 3, 1500)]
    [InlineData(4, 4, 333)]
    public void Parse_IpvsadmTableInChunks_SameOutcomeAsOnePassAndChunksMerged(int seed, int threads, long chunkBytes)
    {
        var input = Encoding.ASCII.GetBytes(IpvsadmTable(seed, 6_000));
        var options = Chunked(threads, chunkBytes);

        AssertSameAsOnePass(input, IpvsadmConnectionParser.Parse, options);
        Assert.True(ReadInChunks(input, options, ConnectionColumns.Ipvsadm, IpvsadmConnectionParser.ReadLines), "clean rows and rejected lines merge without a second pass");
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void Parse_ProcTableInChunks_SameOutcomeAsOnePassAndChunksMerged(int seed, bool withOrigin)
    {
        var input = Encoding.ASCII.GetBytes(ProcTable(seed, 6_000, withOrigin));
        var options = Chunked(2, 900);

        AssertSameAsOnePass(input, ProcIpVsConnParser.Parse, options);
        Assert.True(ReadInChunks(input, options, ConnectionColumns.Proc, ProcIpVsConnParser.ReadLines));
    }

    [Fact]
    public void Parse_RejectedLinesInLaterChunks_ReportedOnTheirLineInTheFile()
    {
        var text = new StringBuilder(IpvsadmTable(7, 3_000));
        text.Append("TCP 01:57  ESTABLISHED 10.0.0.1:1 10.300.0.1:80 10.1.1.1:80\n");
        var badLine = text.ToString().Count(c => c == '\n');
        text.Append(IpvsadmTable(8, 100)[IpvsadmConnTitle.Length..]);
        var input = Encoding.ASCII.GetBytes(text.ToString());
        File.WriteAllBytes(_path, input);

        using var file = File.OpenRead(_path);
        var outcome = IpvsadmConnectionParser.Parse(file, Chunked(2, 1000));

        Assert.Contains(outcome.Diagnostics, d => d.Line == badLine && d.Field == "virtual");
        AssertSameAsOnePass(input, IpvsadmConnectionParser.Parse, Chunked(2, 1000));
    }

    [Theory]
    [InlineData(3_000)]
    [InlineData(40_000)]
    public void Parse_MoreRejectedLinesThanKeptPerKind_SameKeptLinesAndSummariesAsOnePass(long chunkBytes)
    {
        // Every 7th row damaged in one of two ways: each kind goes over its cap across small chunks, and within large ones.
        var rows = IpvsadmTable(15, 5_000).Split('\n');
        var text = string.Join('\n', rows.Select((row, i) => i < 2 || i % 7 != 0 ? row : i % 2 == 0 ? row.Replace(":", "x") : row[..20]));
        var input = Encoding.ASCII.GetBytes(text);
        var options = new IpvsConnectionParseOptions { MaxDiagnosticsPerKind = 5, MaxParallelism = 3, MinimumChunkedBytes = 0, ChunkBytes = chunkBytes };
        var onePass = IpvsadmConnectionParser.Parse(new MemoryStream(input), new IpvsConnectionParseOptions { MaxDiagnosticsPerKind = 5 });

        Assert.Contains(onePass.Diagnostics, d => d.Reason.Contains("more lines rejected", StringComparison.Ordinal));
        AssertSameAsOnePass(input, (stream, _) => IpvsadmConnectionParser.Parse(stream, stream is FileStream ? options : new IpvsConnectionParseOptions { MaxDiagnosticsPerKind = 5 }), options);
        Assert.True(ReadInChunks(input, options, ConnectionColumns.Ipvsadm, IpvsadmConnectionParser.ReadLines));
    }

    [Fact]
    public void Parse_OverLongLinesAcrossChunkEdges_SameOutcomeAsOnePass()
    {
        var rows = IpvsadmTable(9, 2_000).Split('\n');
        var text = string.Join('\n', rows.Select((row, i) => i % 300 == 150 ? new string('x', 9_000) : row));

        AssertSameAsOnePass(Encoding.ASCII.GetBytes(text), IpvsadmConnectionParser.Parse, Chunked(3, 2_000));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void Parse_MutatedTablesInChunks_SameOutcomeAsOnePass(int seed)
    {
        var mutator = new InputMutator(seed);
        var table = Encoding.ASCII.GetBytes(IpvsadmTable(seed, 1_500) + "TCP 01:57  SYN_RECV    [2001:db8::10]:5000 [2001:db8::1]:80   [2001:db8::2]:80\n"
            + "TCP 01:57  SYN_RECV    client.example:37358 10.1.26.252:zabbix-trapper 10.1.26.139:zabbix-trapper\n");
        var proc = Encoding.ASCII.GetBytes(ProcTable(seed, 1_500, seed % 2 == 0));
        for (var i = 0; i < 15; i++)
        {
            AssertSameAsOnePass(mutator.Mutate(table), IpvsadmConnectionParser.Parse, Chunked(2, 500 + (i * 97)));
            AssertSameAsOnePass(mutator.Mutate(proc), ProcIpVsConnParser.Parse, Chunked(3, 400 + (i * 89)));
        }
    }

    [Fact]
    public void Parse_LimitReachedAcrossChunks_SameOutcomeAsOnePass()
    {
        var input = Encoding.ASCII.GetBytes(IpvsadmTable(13, 4_000));
        var limited = new IpvsConnectionParseOptions { MaxDistinctAggregates = 20, MaxTrackedVirtuals = 3, MaxParallelism = 2, MinimumChunkedBytes = 0, ChunkBytes = 800 };

        AssertSameAsOnePass(input, IpvsadmConnectionParser.Parse, limited);
    }

    [Fact]
    public void Parse_FilePositionedAfterItsStart_ReadsFromThereLikeOnePass()
    {
        var prefix = "not part of the table\n"u8.ToArray();
        var table = Encoding.ASCII.GetBytes(IpvsadmTable(14, 3_000));
        File.WriteAllBytes(_path, [.. prefix, .. table]);
        var expected = Summary(IpvsadmConnectionParser.Parse(new MemoryStream(table), IpvsConnectionParseOptions.Default));

        using var file = File.OpenRead(_path);
        file.Position = prefix.Length;
        var chunked = Summary(IpvsadmConnectionParser.Parse(file, Chunked(2, 1000)));

        Assert.Equal(expected, chunked);
        Assert.Equal(file.Length, file.Position);
    }

    [Fact]
    public async Task TryRead_ReadingAChunkFails_ExceptionComesOutAndNoThreadIsLeftWaiting()
    {
        var input = Encoding.ASCII.GetBytes(IpvsadmTable(16, 4_000));
        File.WriteAllBytes(_path, input);
        var chunksRead = 0;
        void FailOnFifthChunk(LineReader reader, long end, ConnectionTableRun run)
        {
            if (Interlocked.Increment(ref chunksRead) == 5)
            {
                throw new IOException("disk went away");
            }

            IpvsadmConnectionParser.ReadLines(reader, end, run);
        }

        using var file = File.OpenRead(_path);
        var reading = Task.Run(() => ChunkedConnectionTableReader.TryRead(file, Chunked(3, 2_000), ConnectionColumns.Ipvsadm, FailOnFifthChunk, out _));

        var finished = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(60))) == reading;

        Assert.True(finished, "the chunked reader hung after a failed chunk");
        await Assert.ThrowsAsync<IOException>(() => reading);
    }

    private static IpvsConnectionParseOptions Chunked(int threads, long chunkBytes) =>
        new() { MaxParallelism = threads, MinimumChunkedBytes = 0, ChunkBytes = chunkBytes };

    private void AssertSameAsOnePass(byte[] input, Func<Stream, IpvsConnectionParseOptions, ParseOutcome<IpvsConnectionSummary>> parse, IpvsConnectionParseOptions chunked)
    {
        var onePassOptions = new IpvsConnectionParseOptions { MaxDistinctAggregates = chunked.MaxDistinctAggregates, MaxTrackedVirtuals = chunked.MaxTrackedVirtuals };
        var expected = Summary(parse(new MemoryStream(input), onePassOptions));
        File.WriteAllBytes(_path, input);

        using var file = File.OpenRead(_path);
        var actual = Summary(parse(file, chunked));

        Assert.Equal(expected, actual);
        Assert.Equal(file.Length, file.Position);
    }

    private bool ReadInChunks(byte[] input, IpvsConnectionParseOptions options, ConnectionColumns columns, ConnectionLinesReader readLines)
    {
        File.WriteAllBytes(_path, input);
        using var file = File.OpenRead(_path);
        return ChunkedConnectionTableReader.TryRead(file, options, columns, readLines, out _);
    }

    private static (string Json, string Diagnostics, long Lines, long Usable) Summary(ParseOutcome<IpvsConnectionSummary> outcome) =>
        (IpvsConnectionJson.Serialize(outcome.Value), string.Join("\n", outcome.Diagnostics), outcome.LinesRead, outcome.UsableLines);

    /// <summary>A documented-layout table with SYN floods from many clients, templates, UDP, rare states and a rejected line now and then.</summary>
    private static string IpvsadmTable(int seed, int rows)
    {
        var random = new Random(seed);
        var text = new StringBuilder(IpvsadmConnTitle);
        for (var i = 0; i < rows; i++)
        {
            var vip = random.Next(15);
            var state = s_states[random.Next(s_states.Length)];
            var clientPort = random.Next(10) == 0 ? 0 : random.Next(1, 65536);
            var client = random.Next(3) == 0 ? $"1.2.3.{random.Next(4)}" : $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
            var port = vip % 3 == 0 ? 80 : 10051;
            var row = IpvsadmConnRow(vip % 5 == 4 ? "UDP" : "TCP", $"{random.Next(100):00}:{random.Next(60):00}", state, $"{client}:{clientPort}", $"10.1.26.{200 + vip}:{port}", $"10.1.{27 + (vip / 4)}.{random.Next(1, 9)}:{port}");
            text.Append(random.Next(200) == 0 ? row.Replace(":", "x") : row);
        }

        return text.ToString();
    }

    private static string ProcTable(int seed, int rows, bool withOrigin)
    {
        var random = new Random(seed);
        var text = new StringBuilder(withOrigin ? "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires PEName PEData\n" : ProcConnTitle);
        for (var i = 0; i < rows; i++)
        {
            var vip = random.Next(15);
            var state = s_states[random.Next(s_states.Length)];
            var client = random.Next(3) == 0 ? 0x01020300u + (uint)random.Next(4) : (uint)random.Next();
            var row = ProcConnRow(vip % 5 == 4 ? "UDP" : "TCP", client, (ushort)(random.Next(10) == 0 ? 0 : random.Next(1, 65536)), 0x0A011AC8u + (uint)vip, 80, 0x0A011B00u + (uint)random.Next(1, 9), 80, state, (uint)random.Next(1000));
            if (withOrigin)
            {
                row = row.Insert(58, random.Next(4) == 0 ? "SYNC   " : "LOCAL  ");
            }

            text.Append(random.Next(200) == 0 ? row.Replace(" 0050 ", " 00G0 ") : row);
        }

        return text.ToString();
    }
}
