using System.Text;
using Dashboard.Server.Alerting;
using Dashboard.Server.Alerting.Channels;

namespace Dashboard.Server.Tests.Alerting;

public sealed class TextLimitsTests
{
    [Fact]
    public void Utf8Lines_ChineseTextOverLimit_KeepsWholeLinesAndSuffixWithinLimit()
    {
        // Arrange: 200 lines of 30 Chinese characters (90 bytes each).
        var text = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"{i:000} " + new string('告', 30)));

        // Act
        var cut = TextLimits.Utf8Lines(text, 4096, "……");

        // Assert
        Assert.InRange(Encoding.UTF8.GetByteCount(cut), 4000, 4096);
        var lines = cut.Split('\n');
        Assert.Equal("……", lines[^1]);
        Assert.All(lines[..^1], l => Assert.Equal(34, l.Length));
    }

    [Fact]
    public void Utf8Prefix_EmojiAtTheBoundary_NeverSplitsACharacter()
    {
        // Arrange: each emoji is 4 bytes in UTF-8 and two UTF-16 units.
        var text = string.Concat(Enumerable.Repeat("🔴", 10));

        // Act
        var prefix = TextLimits.Utf8Prefix(text, 10);

        // Assert
        Assert.Equal("🔴🔴", prefix);
    }

    [Fact]
    public void Chars_CutInsideSurrogatePair_CutsBeforeIt()
    {
        // Act
        var cut = TextLimits.Chars("ab🔴cd", 4, "…");

        // Assert
        Assert.Equal("ab…", cut);
    }

    [Fact]
    public void SymptomsText_ThousandSymptomsOfFiftyLongRules_AllCountedFewNamedWithinBound()
    {
        // Arrange: a cause explaining 1,000 alerts of 50 rules with long names.
        var symptoms = Enumerable.Range(0, 1000).Select(i => new NotifiedSymptom($"Rule{i % 50:00}{new string('x', 40)}", AlertSeverities.Warning, $"fp{i}")).ToList();
        var cause = new NotifiedAlert
        {
            Status = AlertStates.Firing, Rule = "DrForwardDrop", RuleKind = "finding", Severity = AlertSeverities.Critical,
            Labels = new Dictionary<string, string>(), Annotations = new Dictionary<string, string>(), Fingerprint = "c", GeneratorUrl = "",
            Symptoms = symptoms,
        };

        // Act
        var english = MessageBuilder.SymptomsText(cause, MessageTexts.English)!;
        var chinese = MessageBuilder.SymptomsText(cause, MessageTexts.Chinese)!;
        var resolved = MessageBuilder.SymptomsText(cause with { Status = AlertStates.Resolved }, MessageTexts.English);

        // Assert
        Assert.StartsWith("1000 symptoms: Rule00", english);
        Assert.StartsWith("1000 个症状：Rule00", chinese);
        Assert.Contains("×20", english);
        Assert.InRange(english.Length, 100, MessageBuilder.MaxSymptomsChars);
        Assert.InRange(chinese.Length, 100, MessageBuilder.MaxSymptomsChars);
        Assert.Null(resolved);
    }
}
