using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Core.Parsing;

namespace Dashboard.Agent.Collectors;

/// <summary>
/// keepalived VRRP and real-server states: the last line per instance from the notify FIFO (followed in the background),
/// or the state dump file read every cycle; both through the keepalived parser.
/// </summary>
public sealed class KeepalivedCollector : ICollector, IDisposable
{
    private const string DataFormat = "keepalived";

    /// <summary>The FIFO's own line format when it is registered apart from the state dump's.</summary>
    private const string NotifyFormat = "keepalived-notify";

    private readonly KeepalivedCollectorOptions _options;
    private readonly UnavailableNotice _unavailable;
    private KeepalivedFifoReader? _fifo;

    public KeepalivedCollector(KeepalivedCollectorOptions options, AgentLog log)
    {
        _options = options;
        _unavailable = new UnavailableNotice(log, Name);
    }

    public string Name => "keepalived";

    /// <summary>The FIFO follower once the FIFO has been opened.</summary>
    internal KeepalivedFifoReader? FifoReader => _fifo;

    public Task<CollectResult> CollectAsync(CancellationToken ct) =>
        Task.Run(() => _options.NotifyFifo is { } fifo ? FromFifo(fifo) : FromDataFile(_options.DataFile!), ct);

    private CollectResult FromFifo(string path)
    {
        if (_fifo is null)
        {
            _fifo = KeepalivedFifoReader.TryOpen(path, out var why);
            if (_fifo is null)
            {
                return _unavailable.Report(why!);
            }
        }

        if (_fifo.EndOfFile)
        {
            return CollectResult.Failed($"{path}: not a FIFO (create it with mkfifo and name it in vrrp_notify_fifo)");
        }

        if (_fifo.Failure is { } failure)
        {
            // Reopened on the next cycle.
            _fifo.Dispose();
            _fifo = null;
            return CollectResult.Failed($"{path}: {failure}");
        }

        _unavailable.Available();
        if (_fifo.LinesSeen == 0)
        {
            // keepalived writes on transitions only: nothing is known until the first one after the agent started.
            return CollectResult.NoData;
        }

        using var snapshot = _fifo.Snapshot();
        return Parsed(path, FormatReader.Parse(KnownFormats.Names.Contains(NotifyFormat) ? NotifyFormat : DataFormat, snapshot));
    }

    private CollectResult FromDataFile(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return _unavailable.Report($"{path} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CollectResult.Failed($"{path}: {e.Message}");
        }

        _unavailable.Available();
        using (stream)
        {
            return Parsed(path, FormatReader.Parse(DataFormat, stream));
        }
    }

    private static CollectResult Parsed(string source, ParsedInput parsed) =>
        FormatReader.IsUsable(parsed)
            ? CollectResult.Data([parsed.AddTo], [])
            : CollectResult.Failed(FormatReader.DescribeUnusable(source, parsed));

    public void Dispose() => _fifo?.Dispose();
}
