using Xunit.Abstractions;
using Xunit.Sdk;

namespace Dashboard.Testing;

/// <summary>
/// The seed of a randomized test order, from DASHBOARD_TEST_SEED (test.sh exports a random one and prints it); without
/// it, xUnit's own order. The same seed gives the same order, so a failing order can be replayed.
/// </summary>
internal static class TestOrderSeed
{
    public const string Variable = "DASHBOARD_TEST_SEED";

    public static int? Read(IMessageSink diagnostics)
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seed))
        {
            throw new InvalidOperationException($"{Variable}='{text}' is not an integer seed.");
        }

        diagnostics.OnMessage(new DiagnosticMessage($"Test order randomized with {Variable}={seed}"));
        return seed;
    }

    /// <summary>A rank stable across processes (string.GetHashCode is not): FNV-1a of the seed and a test's unique name.</summary>
    public static ulong Rank(int seed, string uniqueName)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in $"{seed}:{uniqueName}")
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
