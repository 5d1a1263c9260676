using System.Diagnostics;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>Waits for a condition by looking again every 100 ms, so that a test asserts on it instead of guessing a delay.</summary>
internal static class Poll
{
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return true;
    }
}
