using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads /proc/net/ip_vs_stats (totals, then rates) and /proc/net/ip_vs_stats_percpu (one row per CPU, the "~" total
/// row, then rates). Every number is hex; fields are split on whitespace.
/// </summary>
public sealed class ProcIpVsStatsParser
{
    private readonly CappedDiagnostics _diagnostics = new(100);
    private readonly IpvsGlobalStats _stats = new();
    private Section _section = Section.Unknown;
    private bool _totalsSeen;
    private long _usable;

    private ProcIpVsStatsParser()
    {
    }

    private enum Section
    {
        Unknown,
        Counters,
        CpuCounters,
        Rates,
    }

    public static ParseOutcome<IpvsGlobalStats> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parser = new ProcIpVsStatsParser();
        var lines = TableLines.ForEach(input, parser._diagnostics, parser.ReadLine);

        if (parser._usable > 0 && !parser._totalsSeen)
        {
            parser._diagnostics.Report(Math.Max(1, lines), null, "no totals row found");
        }

        var all = parser._diagnostics.Complete();
        parser._stats.Warnings = ParseWarnings.From(all);
        return new ParseOutcome<IpvsGlobalStats>(parser._stats, all, lines, parser._usable);
    }

    private void ReadLine(ReadOnlySpan<byte> line, long number)
    {
        var rest = line;
        if (!Tokens.Next(ref rest, out var first))
        {
            return;
        }

        if (IsHeader(first, out var next))
        {
            _section = next ?? _section;
            _usable++;
            return;
        }

        Span<ulong> values = stackalloc ulong[5];
        int? cpu = null;
        var isCpuRow = false;
        if (_section == Section.CpuCounters || first.SequenceEqual("~"u8))
        {
            isCpuRow = true;
            if (!first.SequenceEqual("~"u8))
            {
                if (!IpAddressText.TryParseHex(first, 8, out var cpuNumber) || cpuNumber > int.MaxValue)
                {
                    _diagnostics.Report(number, "CPU", "not a hex CPU number (%3X) or '~'", first);
                    return;
                }

                cpu = (int)cpuNumber;
            }

            rest = rest.TrimStart((byte)' ');
        }
        else
        {
            rest = line;
        }

        if (!TryReadFive(rest, number, values))
        {
            return;
        }

        if (isCpuRow)
        {
            var counters = Counters(values);
            _stats.PerCpu.Add(new IpvsCpuCounters { Cpu = cpu, Counters = counters });
            if (cpu is null)
            {
                SetTotals(counters, number);
            }
        }
        else if (_section == Section.Rates || (_section == Section.Unknown && _totalsSeen))
        {
            if (_stats.Rates is not null)
            {
                _diagnostics.Report(number, null, "a second rates row; the first is kept", line);
                return;
            }

            _stats.Rates = new IpvsTrafficRates
            {
                ConnectionsPerSecond = values[0],
                InPacketsPerSecond = values[1],
                OutPacketsPerSecond = values[2],
                InBytesPerSecond = values[3],
                OutBytesPerSecond = values[4],
            };
        }
        else
        {
            SetTotals(Counters(values), number);
        }

        _usable++;
    }

    private void SetTotals(IpvsTrafficCounters counters, long number)
    {
        if (_totalsSeen)
        {
            _diagnostics.Report(number, null, "a second totals row; the last is kept", DiagnosticSeverity.Warning);
        }

        _stats.Totals = counters;
        _totalsSeen = true;
    }

    private static IpvsTrafficCounters Counters(ReadOnlySpan<ulong> values) => new()
    {
        Connections = values[0],
        InPackets = values[1],
        OutPackets = values[2],
        InBytes = values[3],
        OutBytes = values[4],
    };

    private static readonly string[] s_columns = ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"];

    private bool TryReadFive(ReadOnlySpan<byte> rest, long number, Span<ulong> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!Tokens.Next(ref rest, out var token))
            {
                _diagnostics.Report(number, s_columns[i], "line ends before this field");
                return false;
            }

            // %8LX of a 64-bit counter: at most 16 hex digits.
            if (!IpAddressText.TryParseHex(token, 16, out values[i]))
            {
                _diagnostics.Report(number, s_columns[i], "not a hex counter", token);
                return false;
            }
        }

        if (Tokens.Next(ref rest, out var extra))
        {
            _diagnostics.Report(number, null, "more than five counters", extra);
            return false;
        }

        return true;
    }

    /// <summary>The column titles: "Total …", "Conns Packets …" (ip_vs_stats), "CPU Conns …" (percpu), "Conns/s …" (rates).</summary>
    private static bool IsHeader(ReadOnlySpan<byte> first, out Section? next)
    {
        next = first.SequenceEqual("Conns"u8) ? Section.Counters
            : first.SequenceEqual("CPU"u8) ? Section.CpuCounters
            : first.SequenceEqual("Conns/s"u8) ? Section.Rates
            : null;
        return next is not null || first.SequenceEqual("Total"u8);
    }
}
