using System.Diagnostics;

namespace Dashboard.Testing;

/// <summary>
/// Waits for a condition by looking again every 100 ms, so that a test waits for an event instead of guessing a delay.
/// The limit only ends a test that would otherwise hang: it is never a performance figure.
/// </summary>
internal static class Poll
{
    /// <summary>Generous on purpose: a busy 2-core machine running other suites may take this long for what usually takes a second.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan s_every = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until the condition holds; past the limit, fails saying what was awaited (and <paramref name="detail"/> then).</summary>
    public static Task UntilAsync(string awaited, Func<bool> condition, TimeSpan? limit = null, Func<string>? detail = null) =>
        UntilAsync(awaited, () => Task.FromResult(condition()), limit, detail);

    /// <inheritdoc cref="UntilAsync(string, Func{bool}, TimeSpan?, Func{string}?)"/>
    public static async Task UntilAsync(string awaited, Func<Task<bool>> condition, TimeSpan? limit = null, Func<string>? detail = null)
    {
        var waitFor = limit ?? DefaultLimit;
        if (!await HoldsWithinAsync(condition, waitFor))
        {
            var more = detail?.Invoke();
            throw new TimeoutException($"Waited {waitFor} for {awaited}, in vain{(string.IsNullOrEmpty(more) ? "" : ": " + more)}");
        }
    }

    /// <summary>Whether the condition came to hold within the limit, for a test that asserts more than that (what it saw meanwhile).</summary>
    public static Task<bool> HoldsWithinAsync(Func<bool> condition, TimeSpan? limit = null) =>
        HoldsWithinAsync(() => Task.FromResult(condition()), limit);

    /// <inheritdoc cref="HoldsWithinAsync(Func{bool}, TimeSpan?)"/>
    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan? limit = null)
    {
        var waitFor = limit ?? DefaultLimit;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > waitFor)
            {
                return false;
            }

            await Task.Delay(s_every);
        }

        return true;
    }
}
