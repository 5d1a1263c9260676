using System.Text;

namespace Dashboard.Agent.Collectors;

/// <summary>
/// Follows keepalived's notify FIFO on a background thread and keeps the last line per instance, group, virtual and real
/// server. The FIFO is opened read-write: that open never blocks waiting for keepalived, the stream sees no end of file
/// when keepalived restarts, and <see cref="Dispose"/> can open it for writing without blocking to wake the blocked read.
/// </summary>
public sealed class KeepalivedFifoReader : IDisposable
{
    private const int MaxLineBytes = 4096;

    private readonly string _path;
    private readonly FileStream _stream;
    private readonly Dictionary<string, string> _lastByKey = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _linesSeen;

    private KeepalivedFifoReader(string path, FileStream stream)
    {
        _path = path;
        _stream = stream;
        _thread = new Thread(ReadLoop) { IsBackground = true, Name = "keepalived-fifo" };
        _thread.Start();
    }

    /// <summary>Null when the path does not exist.</summary>
    public static KeepalivedFifoReader? TryOpen(string path, out string? why)
    {
        if (!File.Exists(path))
        {
            why = $"{path} does not exist";
            return null;
        }

        why = null;
        return new KeepalivedFifoReader(path, new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0));
    }

    /// <summary>The path reached its end: a regular file, not a FIFO (a FIFO opened read-write never does).</summary>
    public bool EndOfFile { get; private set; }

    /// <summary>Why reading stopped, when it did.</summary>
    public string? Failure { get; private set; }

    /// <summary>Raised on the reader thread after each kept line.</summary>
    public event Action<string>? LineKept;

    /// <summary>Lines kept since the reader started.</summary>
    public long LinesSeen => Interlocked.Read(ref _linesSeen);

    /// <summary>The last line of every key, in the order the keys first appeared, as one stream for the keepalived parser.</summary>
    public MemoryStream Snapshot()
    {
        var text = new StringBuilder();
        lock (_lock)
        {
            foreach (var key in _order)
            {
                text.Append(_lastByKey[key]).Append('\n');
            }
        }

        return new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()), writable: false);
    }

    private void ReadLoop()
    {
        var buffer = new byte[8192];
        var line = new List<byte>(256);
        while (!_stopping)
        {
            int read;
            try
            {
                read = _stream.Read(buffer);
            }
            catch (Exception e)
            {
                // A reader thread must never take the agent down; the collector reports the stop.
                Failure = e.Message;
                return;
            }

            if (read == 0)
            {
                EndOfFile = true;
                return;
            }

            for (var i = 0; i < read && !_stopping; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    if (line.Count < MaxLineBytes)
                    {
                        line.Add(buffer[i]);
                    }

                    continue;
                }

                Keep(Encoding.UTF8.GetString(line.ToArray()).Trim());
                line.Clear();
            }
        }
    }

    private void Keep(string line)
    {
        if (KeyOf(line) is not { } key)
        {
            return;
        }

        lock (_lock)
        {
            if (!_lastByKey.ContainsKey(key))
            {
                _order.Add(key);
            }

            _lastByKey[key] = line;
        }

        Interlocked.Increment(ref _linesSeen);
        LineKept?.Invoke(line);
    }

    /// <summary>
    /// INSTANCE/GROUP "name" STATE PRIORITY keys on the name, VS [vip]:proto:port STATE on the service, RS [rip]:… [vip]:… STATE
    /// on the pair. Priority notices (MASTER_RX_LOWER_PRI, *_PRIORITY) are no transitions and must not hide the state.
    /// </summary>
    private static string? KeyOf(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words switch
        {
            ["INSTANCE" or "GROUP", var name, var state, ..] when !state.Contains("_PRI", StringComparison.Ordinal) => words[0] + " " + name,
            ["VS", var service, _] => "VS " + service,
            ["RS", var server, var service, _] => "RS " + server + " " + service,
            _ => null,
        };
    }

    public void Dispose()
    {
        _stopping = true;
        try
        {
            using var wake = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            wake.Write("\n"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The FIFO is gone; the reader thread is a background thread and ends with the process.
        }

        _thread.Join(TimeSpan.FromSeconds(2));
        _stream.Dispose();
    }
}
