using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Tests.Fuzzing;

/// <summary>What every parser promises on any input: no exception, an end, bounded diagnostics with real line numbers.</summary>
internal static class ParserContract
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    public static ParseOutcome<T> Holds<T>(Func<Stream, ParseOutcome<T>> parse, byte[] input, Func<T, List<ParseWarning>> warnings, string name)
        where T : class
    {
        var run = Task.Run(() => parse(TestText.Stream(input)));
        Assert.True(run.Wait(s_deadline), $"{name}: parser did not finish within {s_deadline}");
        var outcome = run.Result;

        Assert.NotNull(outcome.Value);
        Assert.InRange(outcome.Diagnostics.Count, 0, 101);
        Assert.All(outcome.Diagnostics, d => Assert.True(d.Line > 0, $"{name}: diagnostic without a line number: {d}"));
        Assert.All(outcome.Diagnostics, d => Assert.True(d.Line <= Math.Max(outcome.LinesRead, 1), $"{name}: line {d.Line} past the {outcome.LinesRead} read"));
        Assert.All(outcome.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason), name));
        Assert.Equal(outcome.Diagnostics.Count, warnings(outcome.Value).Count);
        return outcome;
    }
}
