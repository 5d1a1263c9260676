using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>Reads the lines of one run, stopping before the first line that starts at or past <c>end</c> bytes into the reader.</summary>
internal delegate void ConnectionLinesReader(LineReader reader, long end, ConnectionTableRun run);

/// <summary>
/// Reads a large connection table file on several threads: the file is cut into chunks at line starts, each chunk is
/// counted by a speculative aggregator, and the chunks are merged in file order. Chunks are read in batches of as many
/// as threads, and a batch is merged while the next one is read; two sets of aggregators take turns, so memory stays
/// bounded. The result is what one pass in order gives, line numbers included; when a chunk met anything whose outcome
/// depends on earlier lines (names, IPv6 ids, limits), nothing is returned and the caller reads the file in order.
/// </summary>
internal static class ChunkedConnectionTableReader
{
    public const int MaxThreads = 64;

    public static bool TryRead(Stream input, IpvsConnectionParseOptions options, ConnectionColumns columns, ConnectionLinesReader readLines, [NotNullWhen(true)] out ConnectionTableRun? result)
    {
        result = null;
        // Each thread keeps an aggregator: a silly thread count must not multiply memory.
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
        var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
        var merged = new ConnectionTableRun(new ConnectionTableAggregator(options, diagnostics, columns), diagnostics);
        var batch = NewRuns(threads, options, columns);
        var nextBatch = NewRuns(threads, options, columns);
        ReadBatch(file, start, length, 0, Math.Min(threads, chunks), chunks, options, readLines, batch);
        for (var first = 0; first < chunks; first += threads)
        {
            var count = Math.Min(threads, chunks - first);
            var following = first + threads;
            var reading = following < chunks
                ? Task.Run(() => ReadBatch(file, start, length, following, Math.Min(threads, chunks - following), chunks, options, readLines, nextBatch))
                : Task.CompletedTask;
            var appended = AppendInOrder(merged, batch, count);
            WaitUnwrapped(reading);
            if (!appended)
            {
                file.Position = start;
                return false;
            }

            (batch, nextBatch) = (nextBatch, batch);
        }

        file.Seek(0, SeekOrigin.End);
        result = merged;
        return true;
    }

    private static ConnectionTableRun[] NewRuns(int count, IpvsConnectionParseOptions options, ConnectionColumns columns)
    {
        var runs = new ConnectionTableRun[count];
        for (var i = 0; i < count; i++)
        {
            var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
            runs[i] = new ConnectionTableRun(new ConnectionTableAggregator(options, diagnostics, columns, speculative: true), diagnostics);
        }

        return runs;
    }

    private static bool AppendInOrder(ConnectionTableRun merged, ConnectionTableRun[] batch, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!merged.TryAppend(batch[i]))
            {
                return false;
            }

            batch[i].ResetMerged();
        }

        return true;
    }

    private static void WaitUnwrapped(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static void ReadBatch(FileStream file, long start, long length, int first, int count, int chunks, IpvsConnectionParseOptions options, ConnectionLinesReader readLines, ConnectionTableRun[] batch)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, i =>
                ReadChunk(file, start, length, first + i, chunks, options, readLines, batch[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static void ReadChunk(FileStream file, long start, long length, int chunk, int chunks, IpvsConnectionParseOptions options, ConnectionLinesReader readLines, ConnectionTableRun run)
    {
        var from = start + (length * chunk / chunks);
        var to = chunk == chunks - 1 ? long.MaxValue : start + (length * (chunk + 1) / chunks);
        // A chunk owns the lines that start inside it: start one byte early and skip to the end of that byte's line.
        var origin = chunk == 0 ? from : from - 1;
        using var reader = new LineReader(new FileRangeStream(file.SafeFileHandle, origin), options.MaxLineLength);
        if (chunk > 0)
        {
            reader.SkipPartialLine();
        }

        readLines(reader, to == long.MaxValue ? long.MaxValue : to - origin, run);
        run.Lines = reader.LineNumber;
    }
}
