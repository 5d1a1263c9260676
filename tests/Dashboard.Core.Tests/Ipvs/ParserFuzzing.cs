using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Tests.Ipvs;

/// <summary>The properties every parser keeps on hostile input: no exception, an end, diagnostics that point at a line.</summary>
internal static class ParserFuzzing
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    public static ParseOutcome<T> ParseSafely<T>(Func<Stream, ParseOutcome<T>> parse, byte[] input) where T : class
    {
        var run = Task.Run(() => parse(new MemoryStream(input, writable: false)));
        Assert.True(run.Wait(s_limit), "parser did not finish");
        var outcome = run.Result;
        Assert.All(outcome.Diagnostics, d => Assert.InRange(d.Line, 1, Math.Max(1, outcome.LinesRead)));
        Assert.InRange(outcome.UsableLines, 0, outcome.LinesRead);
        return outcome;
    }

    public static void MutatedSamplesNeverThrow<T>(Func<Stream, ParseOutcome<T>> parse, IReadOnlyList<byte[]> samples, int seed, int rounds = 400) where T : class
    {
        var mutator = new InputMutator(seed);
        for (var i = 0; i < rounds; i++)
        {
            ParseSafely(parse, mutator.Mutate(samples[i % samples.Count]));
        }
    }

    public static void RandomBytesNeverThrow<T>(Func<Stream, ParseOutcome<T>> parse, int seed) where T : class
    {
        var mutator = new InputMutator(seed);
        for (var i = 0; i < 200; i++)
        {
            ParseSafely(parse, mutator.RandomBytes(i * 37));
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
    public static ParseOutcome<T> WithTenMegabyteLine<T>(Func<Stream, ParseOutcome<T>> parse, string sample) where T : class
    {
        var lines = sample.Split('\n');
        var middle = lines.Length / 2;
        var text = string.Join('\n', lines[..middle]) + "\n" + new string('7', 10 * 1024 * 1024) + "\n" + string.Join('\n', lines[middle..]);
        var outcome = ParseSafely(parse, Encoding.UTF8.GetBytes(text));
        var skipped = Assert.Single(outcome.Diagnostics, d => d.Reason.StartsWith("line longer than"));
        Assert.Equal(middle + 1, skipped.Line);
        return outcome;
    }
}
