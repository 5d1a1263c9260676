using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Dashboard.Core.Iptables;

namespace Dashboard.Benchmarks;

/// <summary>
/// iptables-save -c of a busy Neutron compute node (~20,000 rules): floor, naive line splitting, the real parser, and the
/// contract JSON `parse` prints (written alone from a parsed dump, and parse plus JSON together).
/// </summary>
public class IptablesSaveParsing
{
    private byte[] _input = [];
    private IptablesDump _parsed = new();

    [Params(20_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var text = new StringWriter { NewLine = "\n" };
        new IptablesSaveGenerator().Write(text, Lines, seed: 42);
        _input = Encoding.UTF8.GetBytes(text.ToString());
        _parsed = IptablesSaveParser.Parse(new MemoryStream(_input, writable: false)).Value;
    }

    /// <summary>Floor: read the bytes in chunks and count line ends.</summary>
    [Benchmark]
    public long CountNewlines()
    {
        using var stream = new MemoryStream(_input, writable: false);
        var buffer = new byte[64 * 1024];
        long count = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return count;
    }

    /// <summary>What a quick script does: ReadLine, Split on blanks, sum [p:b] per chain.</summary>
    [Benchmark(Baseline = true)]
    public int NaiveReadLineSplit()
    {
        using var reader = new StreamReader(new MemoryStream(_input, writable: false), Encoding.UTF8);
        var totals = new Dictionary<string, (ulong Packets, ulong Bytes)>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3 || !fields[0].StartsWith('[') || fields[1] != "-A")
            {
                continue;
            }

            var counters = fields[0].Trim('[', ']').Split(':');
            var (packets, bytes) = totals.GetValueOrDefault(fields[2]);
            totals[fields[2]] = (packets + ulong.Parse(counters[0]), bytes + ulong.Parse(counters[1]));
        }

        return totals.Count;
    }

    [Benchmark]
    public int StreamingParser()
    {
        using var stream = new MemoryStream(_input, writable: false);
        return IptablesSaveParser.Parse(stream).Value.Tables[0].Chains.Count;
    }

    [Benchmark]
    public long WriteJsonOnly() => WriteJson(_parsed);

    [Benchmark]
    public long StreamingParserAndJson()
    {
        using var stream = new MemoryStream(_input, writable: false);
        return WriteJson(IptablesSaveParser.Parse(stream).Value);
    }

    private static long WriteJson(IptablesDump dump)
    {
        using var writer = new Utf8JsonWriter(Stream.Null);
        IptablesDumpJsonWriter.Write(writer, dump);
        writer.Flush();
        return writer.BytesCommitted;
    }
}
