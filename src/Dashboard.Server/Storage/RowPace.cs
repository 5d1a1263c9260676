using System.Diagnostics;

namespace Dashboard.Server.Storage;

/// <summary>Spreads writing a known number of rows evenly over a time span by waiting after each chunk that ran ahead.</summary>
internal sealed class RowPace(int total, TimeSpan spread)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public int Rows { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public async Task WroteAsync(int rows, CancellationToken ct)
    {
        Rows += rows;
        if (spread <= TimeSpan.Zero || total == 0)
        {
            return;
        }

        var due = spread * ((double)Rows / total);
        if (due > Elapsed)
        {
            await Task.Delay(due - Elapsed, ct);
        }
    }
}
