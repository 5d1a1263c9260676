using System.Text;
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
}
