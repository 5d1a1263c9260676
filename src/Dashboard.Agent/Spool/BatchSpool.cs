using Dashboard.Agent.Hosting;

namespace Dashboard.Agent.Spool;

/// <summary>
/// Batches the server did not take yet, one durable file per batch named by its sequence, replayed oldest first.
/// Bounded by total size and age: past a bound the oldest are dropped and handed back so the drops get reported.
/// </summary>
public sealed class BatchSpool
{
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private readonly SortedList<long, SpoolEntry> _entries = [];

    private BatchSpool(string directory, long maxBytes, TimeSpan maxAge, TimeProvider time, AgentLog log)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _maxAge = maxAge;
        _time = time;
        _log = log;
    }

    public string Directory => _directory;

    public int Count => _entries.Count;

    public long TotalBytes { get; private set; }

    public long HighestSequence => _entries.Count > 0 ? _entries.Keys[^1] : 0;

    public IReadOnlyList<SpoolEntry> Entries => [.. _entries.Values];

    /// <summary>Creates the directory when needed and takes stock; a half-written file (a crash mid-write) is removed with a warning.</summary>
    public static BatchSpool Open(string directory, long maxBytes, TimeSpan maxAge, TimeProvider time, AgentLog log)
    {
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var spool = new BatchSpool(directory, maxBytes, maxAge, time, log);
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(DurableFile.TemporarySuffix, StringComparison.Ordinal))
            {
                log.Warning($"{path}: half-written spool file ignored and removed (the agent stopped while writing it)");
                File.Delete(path);
            }
            else if (SpoolEntry.TryParseName(name, out var sequence, out var carried))
            {
                var info = new FileInfo(path);
                spool.Insert(new SpoolEntry(sequence, carried, path, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));
            }
            else if (name != AgentState.FileName)
            {
                log.Warning($"{path}: not a spool file, ignored");
            }
        }

        return spool;
    }

    /// <summary>The highest spooled sequence, read from file names only (dry runs change nothing on disk).</summary>
    public static long HighestSequenceIn(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return 0;
        }

        long highest = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + SpoolEntry.Suffix))
        {
            if (SpoolEntry.TryParseName(Path.GetFileName(path), out var sequence, out _))
            {
                highest = Math.Max(highest, sequence);
            }
        }

        return highest;
    }

    public bool TryPeekOldest(out SpoolEntry entry)
    {
        if (_entries.Count == 0)
        {
            entry = null!;
            return false;
        }

        entry = _entries.Values[0];
        return true;
    }

    /// <summary>Stores a batch durably; returns the oldest entries dropped to keep within SpoolMaxBytes (never the new one).</summary>
    public IReadOnlyList<SpoolEntry> Add(long sequence, long carriedDrops, ReadOnlySpan<byte> payload)
    {
        var path = Path.Combine(_directory, SpoolEntry.FileName(sequence, carriedDrops));
        DurableFile.Write(path, payload);
        Insert(new SpoolEntry(sequence, carriedDrops, path, payload.Length, _time.GetUtcNow()));
        var dropped = new List<SpoolEntry>();
        while (TotalBytes > _maxBytes && _entries.Count > 1)
        {
            dropped.Add(Drop(_entries.Values[0]));
        }

        return dropped;
    }

    /// <summary>Drops entries older than SpoolMaxAgeHours.</summary>
    public IReadOnlyList<SpoolEntry> DropExpired()
    {
        var oldest = _time.GetUtcNow() - _maxAge;
        var dropped = new List<SpoolEntry>();
        while (_entries.Count > 0 && _entries.Values[0].WrittenAt < oldest)
        {
            dropped.Add(Drop(_entries.Values[0]));
        }

        return dropped;
    }

    public byte[] Read(SpoolEntry entry) => File.ReadAllBytes(entry.Path);

    /// <summary>The server has it (or refused it for good): the file goes.</summary>
    public void Remove(SpoolEntry entry)
    {
        Forget(entry);
        File.Delete(entry.Path);
    }

    private SpoolEntry Drop(SpoolEntry entry)
    {
        Remove(entry);
        return entry;
    }

    private void Insert(SpoolEntry entry)
    {
        Forget(entry);
        _entries[entry.Sequence] = entry;
        TotalBytes += entry.Length;
    }

    private void Forget(SpoolEntry entry)
    {
        if (_entries.Remove(entry.Sequence))
        {
            TotalBytes -= entry.Length;
        }
    }
}
