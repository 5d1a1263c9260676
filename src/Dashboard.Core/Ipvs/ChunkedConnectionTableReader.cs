using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>Reads the lines of one run, stopping before the first line that starts at or past <c>end</c> bytes into the reader.</summary>
internal delegate void ConnectionLinesReader(LineReader reader, long end, ConnectionTableRun run);

/// <summary>
/// Reads a large connection table file on several threads: the file is cut into chunks at line starts, each thread
/// takes the next unread chunk and counts it with a speculative aggregator, and the chunks are merged in file order by
/// whichever thread finishes the one next in line, while the others go on reading. At most two aggregators per thread
/// are in use, so memory stays bounded, and a thread the machine holds back only delays its own chunk. The result is
/// what one pass in order gives, line numbers included; when a chunk met anything whose outcome depends on earlier
/// lines (names, IPv6 ids, limits), nothing is returned and the caller reads the file in order.
/// </summary>
internal sealed class ChunkedConnectionTableReader
{
    public const int MaxThreads = 64;

    private readonly FileStream _file;
    private readonly long _start;
    private readonly long _length;
    private readonly int _chunks;
    private readonly IpvsConnectionParseOptions _options;
    private readonly ConnectionLinesReader _readLines;
    private readonly ConnectionTableRun _merged;
    private readonly Stack<ConnectionTableRun> _idle = [];
    private readonly ConnectionTableRun?[] _finished;
    private readonly SemaphoreSlim _runsFree;
    private readonly Lock _gate = new();
    private int _nextChunk;
    private int _nextToMerge;
    private volatile bool _stopped;
    private bool _notMergeable;
    private ExceptionDispatchInfo? _failure;

    private ChunkedConnectionTableReader(FileStream file, long start, int chunks, int threads, IpvsConnectionParseOptions options, ConnectionColumns columns, ConnectionLinesReader readLines)
    {
        _file = file;
        _start = start;
        _length = file.Length - start;
        _chunks = chunks;
        _options = options;
        _readLines = readLines;
        var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
        _merged = new ConnectionTableRun(new ConnectionTableAggregator(options, diagnostics, columns), diagnostics);
        var runs = 2 * threads;
        for (var i = 0; i < runs; i++)
        {
            var chunkDiagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
            _idle.Push(new ConnectionTableRun(new ConnectionTableAggregator(options, chunkDiagnostics, columns, speculative: true), chunkDiagnostics));
        }

        // Chunks taken and not yet merged never outnumber the runs, so chunk k waits in slot k % runs.
        _finished = new ConnectionTableRun?[runs];
        _runsFree = new SemaphoreSlim(runs);
    }

    /// <summary>The whole table: in chunks on several threads when the input allows it, else in one pass.</summary>
    public static ConnectionTableRun Read(Stream input, IpvsConnectionParseOptions options, ConnectionColumns columns, ConnectionLinesReader readLines)
    {
        if (TryRead(input, options, columns, readLines, out var run))
        {
            return run;
        }

        var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
        run = new ConnectionTableRun(new ConnectionTableAggregator(options, diagnostics, columns), diagnostics);
        using var reader = new LineReader(input, options.MaxLineLength);
        readLines(reader, long.MaxValue, run);
        run.Lines = reader.LineNumber;
        return run;
    }

    public static bool TryRead(Stream input, IpvsConnectionParseOptions options, ConnectionColumns columns, ConnectionLinesReader readLines, [NotNullWhen(true)] out ConnectionTableRun? result)
    {
        result = null;
        // Each thread keeps aggregators: a silly thread count must not multiply memory.
        var threads = Math.Min(options.MaxParallelism, MaxThreads);
        if (threads <= 1 || input is not FileStream { CanSeek: true } file)
        {
            return false;
        }

        var start = file.Position;
        var length = file.Length - start;
        // Below a few MB a second thread costs more than it saves.
        if (length < options.MinimumChunkedBytes)
        {
            return false;
        }

        var chunks = (int)Math.Min(int.MaxValue, Math.Max(threads, (length + options.ChunkBytes - 1) / options.ChunkBytes));
        var reader = new ChunkedConnectionTableReader(file, start, chunks, threads, options, columns, readLines);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => reader.ReadChunks());
        reader._failure?.Throw();
        if (reader._notMergeable)
        {
            file.Position = start;
            return false;
        }

        file.Seek(0, SeekOrigin.End);
        result = reader._merged;
        return true;
    }

    private void ReadChunks()
    {
        try
        {
            ReadChunksUntilNoneLeft();
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(e);
            }

            // The others must not wait for a chunk this thread will never merge.
            Stop();
        }
    }

    private void ReadChunksUntilNoneLeft()
    {
        while (true)
        {
            _runsFree.Wait();
            var chunk = _stopped ? _chunks : Interlocked.Increment(ref _nextChunk) - 1;
            if (chunk >= _chunks)
            {
                // Pass the wake-up on: every other thread stops here too.
                _runsFree.Release();
                return;
            }

            ConnectionTableRun run;
            lock (_gate)
            {
                run = _idle.Pop();
            }

            ReadChunk(chunk, run);
            MergeInOrder(chunk, run);
        }
    }

    /// <summary>Files the chunk, then merges every chunk that is next in line: this one and any that finished before it.</summary>
    private void MergeInOrder(int chunk, ConnectionTableRun run)
    {
        lock (_gate)
        {
            _finished[chunk % _finished.Length] = run;
            while (!_stopped && _nextToMerge < _chunks && _finished[_nextToMerge % _finished.Length] is { } next)
            {
                _finished[_nextToMerge % _finished.Length] = null;
                if (!_merged.TryAppend(next))
                {
                    _notMergeable = true;
                    Stop();
                    return;
                }

                next.ResetMerged();
                _idle.Push(next);
                _nextToMerge++;
                _runsFree.Release();
            }
        }
    }

    private void Stop()
    {
        _stopped = true;
        _runsFree.Release();
    }

    private void ReadChunk(int chunk, ConnectionTableRun run)
    {
        var from = _start + (_length * chunk / _chunks);
        var to = chunk == _chunks - 1 ? long.MaxValue : _start + (_length * (chunk + 1) / _chunks);
        // A chunk owns the lines that start inside it: start one byte early and skip to the end of that byte's line.
        var origin = chunk == 0 ? from : from - 1;
        using var reader = new LineReader(new FileRangeStream(_file.SafeFileHandle, origin), _options.MaxLineLength);
        if (chunk > 0)
        {
            reader.SkipPartialLine();
        }

        _readLines(reader, to == long.MaxValue ? long.MaxValue : to - origin, run);
        run.Lines = reader.LineNumber;
    }
}
