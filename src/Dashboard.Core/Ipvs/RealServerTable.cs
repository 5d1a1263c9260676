using System.Collections;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// The real servers of one virtual service in the live state: one array of rows and one array of all their state counts,
/// not three objects per real server. A snapshot lives until its host's next push, so every young collection in between
/// copies what it holds; a director's thousand real servers are then two arrays per VIP to copy instead of three thousand
/// objects. Reading an item makes a <see cref="RealServerSample"/> on the spot; code that runs for every push or every
/// second reads <see cref="Rows"/> and the sums instead.
/// </summary>
public sealed class RealServerTable : IReadOnlyList<RealServerSample>
{
    private readonly RealServerRow[] _rows;
    private readonly KeyValuePair<string, long>[] _states;

    private RealServerTable(string protocol, string virtualText, RealServerRow[] rows, KeyValuePair<string, long>[] states)
    {
        (Protocol, Virtual, _rows, _states) = (protocol, virtualText, rows, states);
        foreach (ref readonly var row in rows.AsSpan())
        {
            Connections += row.Connections;
            SynRecv += row.SynRecv;
            ActiveConn += row.ActiveConn ?? 0;
            InActConn += row.InActConn ?? 0;
            Up += row.Weight is null or > 0 ? 1 : 0;
        }
    }

    public string Protocol { get; }
    public string Virtual { get; }

    public long Connections { get; }
    public long SynRecv { get; }
    public long ActiveConn { get; }
    public long InActConn { get; }

    /// <summary>Real servers with a weight above 0, or none known (connections seen, not in the service table).</summary>
    public int Up { get; }

    public int Count => _rows.Length;

    public ReadOnlySpan<RealServerRow> Rows => _rows;

    public RealServerSample this[int index]
    {
        get
        {
            ref readonly var row = ref _rows[index];
            return new RealServerSample(Protocol, Virtual, row.Destination, row.Forward, row.Weight, row.ActiveConn, row.InActConn,
                row.Connections, row.SynRecv, row.Templates, StateCounts.Slice(_states, row.StatesStart, row.StatesCount));
        }
    }

    /// <summary>
    /// The table of <paramref name="samples"/>, which all belong to one virtual service. Destinations equal to the previous
    /// table's are taken from it, and when nothing changed at all the previous table itself is returned, so a quiet VIP
    /// keeps nothing new alive.
    /// </summary>
    /// <param name="samples">Enumerated twice, sizes first; their protocol and virtual address are the table's.</param>
    public static RealServerTable Create(string protocol, string virtualText, IEnumerable<RealServerSample> samples, RealServerTable? previous)
    {
        var (rowCount, stateCount) = (0, 0);
        foreach (var sample in samples)
        {
            rowCount++;
            stateCount += sample.ByState.Count;
        }

        var rows = new RealServerRow[rowCount];
        var states = new KeyValuePair<string, long>[stateCount];
        var (i, next) = (0, 0);
        foreach (var sample in samples)
        {
            var old = previous?.Find(sample.Destination, i);
            var counts = sample.ByState.Entries;
            counts.CopyTo(states.AsSpan(next));
            rows[i++] = new RealServerRow(old?.Destination ?? sample.Destination,
                old is { } o && string.Equals(o.Forward, sample.Forward, StringComparison.Ordinal) ? o.Forward : sample.Forward,
                sample.Weight, sample.ActiveConn, sample.InActConn, sample.Connections, sample.SynRecv, sample.Templates, next, counts.Length);
            next += counts.Length;
        }

        return previous is not null && previous.Protocol == protocol && previous.Virtual == virtualText
            && rows.AsSpan().SequenceEqual(previous._rows) && SameCounts(states, previous._states)
            ? previous
            : new RealServerTable(protocol, virtualText, rows, states);
    }

    private static bool SameCounts(ReadOnlySpan<KeyValuePair<string, long>> a, ReadOnlySpan<KeyValuePair<string, long>> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].Value != b[i].Value || !string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The row of a real server; rows keep the destination order of the pushes, so the same position matches first.</summary>
    private RealServerRow? Find(string destination, int position)
    {
        if (position < _rows.Length && string.Equals(_rows[position].Destination, destination, StringComparison.Ordinal))
        {
            return _rows[position];
        }

        foreach (var row in _rows)
        {
            if (string.Equals(row.Destination, destination, StringComparison.Ordinal))
            {
                return row;
            }
        }

        return null;
    }

    /// <summary>How many real servers match, read from the rows without making a sample of each.</summary>
    public int CountRows(Func<RealServerRow, bool> predicate)
    {
        var count = 0;
        foreach (var row in _rows)
        {
            count += predicate(row) ? 1 : 0;
        }

        return count;
    }

    /// <summary>The samples of the real servers that match; only those are made.</summary>
    public IEnumerable<RealServerSample> SamplesWhere(Func<RealServerRow, bool> predicate)
    {
        for (var i = 0; i < _rows.Length; i++)
        {
            if (predicate(_rows[i]))
            {
                yield return this[i];
            }
        }
    }

    public IEnumerator<RealServerSample> GetEnumerator()
    {
        for (var i = 0; i < _rows.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
