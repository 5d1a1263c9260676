using System.Text;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Tests.Fuzzing;

/// <summary>
/// What every parser promises on any input: no exception, an end, a value, bounded diagnostics that each give a reason
/// and a line that was read, usable lines no more than the lines read, and one warning in the value per diagnostic.
/// </summary>
internal static class ParserContract
{
    /// <summary>Generous: a limit here only ends a parser that would otherwise never return.</summary>
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    /// <param name="warnings">The warnings the value carries, for the formats whose value has them.</param>
    /// <param name="limits">How the format bounds its diagnostics and counts usable input.</param>
    public static ParseOutcome<T> Holds<T>(Func<Stream, ParseOutcome<T>> parse, byte[] input, string name, Func<T, List<ParseWarning>>? warnings = null,
        ContractLimits? limits = null) where T : class
    {
        limits ??= ContractLimits.LineFormat;
        var run = Task.Run(() => parse(TestText.Stream(input)));
        Assert.True(run.Wait(s_deadline), $"{name}: parser did not finish within {s_deadline}");
        var outcome = run.Result;

        Assert.NotNull(outcome.Value);
        if (limits.MaxDiagnostics is { } most)
        {
            Assert.True(outcome.Diagnostics.Count <= most, $"{name}: {outcome.Diagnostics.Count} diagnostics, more than {most}");
        }

        Assert.All(outcome.Diagnostics, d => Assert.True(d.Line > 0, $"{name}: diagnostic without a line number: {d}"));
        Assert.All(outcome.Diagnostics, d => Assert.True(d.Line <= Math.Max(outcome.LinesRead, 1), $"{name}: line {d.Line} past the {outcome.LinesRead} read"));
        Assert.All(outcome.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason), name));
        Assert.True(outcome.UsableLines >= 0, $"{name}: {outcome.UsableLines} usable");
        Assert.True(!limits.UsableAreLines || outcome.UsableLines <= outcome.LinesRead, $"{name}: {outcome.UsableLines} usable lines of {outcome.LinesRead} read");
        if (warnings is not null)
        {
            Assert.Equal(outcome.Diagnostics.Count, warnings(outcome.Value).Count);
        }

        return outcome;
    }

    /// <summary>Stacked random edits of the samples, <paramref name="rounds"/> of them, each holding the contract.</summary>
    public static void HoldsOnMutatedSamples<T>(Func<Stream, ParseOutcome<T>> parse, IReadOnlyList<byte[]> samples, int seed,
        Func<T, List<ParseWarning>>? warnings = null, ContractLimits? limits = null, int rounds = 400) where T : class
    {
        var mutator = new InputMutator(seed);
        for (var i = 0; i < rounds; i++)
        {
            Holds(parse, mutator.Mutate(samples[i % samples.Count]), $"mutation {i} of sample {i % samples.Count}", warnings, limits);
        }
    }

    /// <summary>200 runs of random bytes, 0 to 7 KB long, each holding the contract.</summary>
    public static void HoldsOnRandomBytes<T>(Func<Stream, ParseOutcome<T>> parse, int seed, Func<T, List<ParseWarning>>? warnings = null,
        ContractLimits? limits = null) where T : class
    {
        var mutator = new InputMutator(seed);
        for (var i = 0; i < 200; i++)
        {
            Holds(parse, mutator.RandomBytes(i * 37), $"random bytes {i}", warnings, limits);
        }
    }

    /// <summary>Lines rejected, counting those folded into "N more lines rejected" summaries.</summary>
    public static long RejectedLines<T>(ParseOutcome<T> outcome) where T : class
    {
        const string more = " more lines rejected: ";
        var errors = outcome.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return errors.Count(d => !d.Reason.Contains(more))
            + errors.Where(d => d.Reason.Contains(more)).Sum(d => long.Parse(d.Reason[..d.Reason.IndexOf(' ')]));
    }

    /// <summary>A 10 MB line without a newline in the middle of a sample: skipped with a diagnostic, the rest read.</summary>
    public static ParseOutcome<T> HoldsWithTenMegabyteLine<T>(Func<Stream, ParseOutcome<T>> parse, string sample, Func<T, List<ParseWarning>>? warnings = null,
        ContractLimits? limits = null) where T : class
    {
        var lines = sample.Split('\n');
        var middle = lines.Length / 2;
        var text = string.Join('\n', lines[..middle]) + "\n" + new string('7', 10 * 1024 * 1024) + "\n" + string.Join('\n', lines[middle..]);
        var outcome = Holds(parse, Encoding.UTF8.GetBytes(text), "ten-megabyte line", warnings, limits);
        var skipped = Assert.Single(outcome.Diagnostics, d => d.Reason.StartsWith("line longer than"));
        Assert.Equal(middle + 1, skipped.Line);
        return outcome;
    }
}

/// <summary>The bounds a format promises: most formats keep 100 diagnostics plus one summary, and count usable lines.</summary>
internal sealed record ContractLimits(int? MaxDiagnostics, bool UsableAreLines)
{
    public static readonly ContractLimits LineFormat = new(101, true);

    /// <summary>Connection tables cap each kind of problem (field + reason) on its own, so their total has no single bound.</summary>
    public static readonly ContractLimits ConnectionTable = new(null, true);

    /// <summary>A JSON document counts usable records, not lines (a whole document may sit on one line).</summary>
    public static readonly ContractLimits JsonRecords = new(101, false);
}
