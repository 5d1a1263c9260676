using System.Globalization;
using Dashboard.Agent.Hosting;

namespace Dashboard.Agent.Spool;

/// <summary>
/// The last sequence handed out and the drops not yet reported, kept durably in the spool directory: a restart goes on
/// above the last sequence, and the server never sees a (host, sequence) twice for different data.
/// </summary>
public sealed class AgentState
{
    public const string FileName = "state";

    private readonly string _path;
    private readonly Lock _lock = new();

    private AgentState(string path, long lastSequence, long unreportedDrops)
    {
        _path = path;
        LastSequence = lastSequence;
        UnreportedDrops = unreportedDrops;
    }

    public long LastSequence { get; private set; }

    /// <summary>Batches lost (spool bounds, refused by the server, unreadable) not yet sent in a batch's DroppedBatches.</summary>
    public long UnreportedDrops { get; private set; }

    /// <summary>
    /// Without a readable state file the sequence starts at the current Unix time in milliseconds: a reinstalled agent then
    /// stays above every sequence an earlier install sent (one batch per interval never catches up with the clock), so none
    /// of its batches is acknowledged as a duplicate of an old one and discarded.
    /// </summary>
    public static AgentState Load(string directory, long highestSpooledSequence, TimeProvider time, AgentLog log)
    {
        var path = Path.Combine(directory, FileName);
        long last = 0, drops = 0;
        var readable = File.Exists(path) && TryRead(path, out last, out drops);
        if (File.Exists(path) && !readable)
        {
            log.Warning($"{path}: unreadable agent state ignored; sequences restart from the clock");
        }

        if (!readable)
        {
            last = Math.Max(last, time.GetUtcNow().ToUnixTimeMilliseconds() - 1);
        }

        return new AgentState(path, Math.Max(last, highestSpooledSequence), drops);
    }

    /// <summary>What the next batch would get, without using it up (dry runs).</summary>
    public (long Sequence, long Drops) Peek()
    {
        lock (_lock)
        {
            return (LastSequence + 1, UnreportedDrops);
        }
    }

    /// <summary>The next sequence and the drops to report with it; saved before the batch leaves, so a crash never reuses it.</summary>
    public (long Sequence, long Drops) Take()
    {
        lock (_lock)
        {
            var taken = (LastSequence + 1, UnreportedDrops);
            Save(taken.Item1, 0);
            (LastSequence, UnreportedDrops) = (taken.Item1, 0);
            return taken;
        }
    }

    public void AddDrops(long count)
    {
        if (count <= 0)
        {
            return;
        }

        lock (_lock)
        {
            Save(LastSequence, UnreportedDrops + count);
            UnreportedDrops += count;
        }
    }

    /// <summary>Written before memory changes, so a failed write leaves both as they were.</summary>
    private void Save(long lastSequence, long unreportedDrops) =>
        DurableFile.Write(_path, System.Text.Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"sequence {lastSequence}\nunreported-drops {unreportedDrops}\n")));

    private static bool TryRead(string path, out long lastSequence, out long unreportedDrops)
    {
        lastSequence = unreportedDrops = 0;
        bool hasSequence = false, hasDrops = false;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return false;
                }

                switch (parts[0])
                {
                    case "sequence":
                        (lastSequence, hasSequence) = (value, true);
                        break;
                    case "unreported-drops":
                        (unreportedDrops, hasDrops) = (value, true);
                        break;
                }
            }
        }
        catch (IOException)
        {
            return false;
        }

        return hasSequence && hasDrops;
    }
}
