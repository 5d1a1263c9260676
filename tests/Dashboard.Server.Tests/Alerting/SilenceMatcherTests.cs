using Dashboard.Server.Alerting;

namespace Dashboard.Server.Tests.Alerting;

public sealed class SilenceMatcherTests
{
    private static readonly Dictionary<string, string> s_labels = new()
    {
        ["alertname"] = "SynRecvRatioHigh", ["director"] = "lvs-a", ["vip"] = "10.1.26.252:10051", ["severity"] = "critical",
    };

    [Theory]
    [InlineData("director=\"lvs-a\"", true)]
    [InlineData("{director=\"lvs-a\", severity!=\"info\"}", true)]
    [InlineData("director=\"lvs-b\"", false)]
    [InlineData("alertname=~\"SynRecv.*\", vip=~\"10\\\\.1\\\\..*\"", true)]
    [InlineData("alertname=~\"Ratio\"", false)]
    [InlineData("director!~\"lvs-.*\", severity=\"critical\"", false)]
    [InlineData("real_server=\"\", director=\"lvs-a\"", true)]
    public void TryParseList_Matchers_MatchAsAlertmanagerDoes(string text, bool expected)
    {
        // Act
        var parsed = SilenceMatcher.TryParseList(text, out var matchers, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal(expected, matchers.All(m => m.Matches(s_labels)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("director")]
    [InlineData("director=lvs-a")]
    [InlineData("alertname=~\"(\"")]
    [InlineData("director=~\".*\"")]
    [InlineData("director!~\"lvs-.*\"")]
    public void TryParseList_BadOrMatchingEverything_RefusedWithReason(string text)
    {
        // Act
        var parsed = SilenceMatcher.TryParseList(text, out _, out var error);

        // Assert
        Assert.False(parsed);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void ToString_ParsedMatchers_RoundTrips()
    {
        // Arrange
        SilenceMatcher.TryParseList("director=\"lvs \\\"a\\\"\", vip!~\"10\\\\..*\"", out var matchers, out _);

        // Act
        var text = string.Join(", ", matchers);
        SilenceMatcher.TryParseList(text, out var again, out _);

        // Assert
        Assert.Equal(matchers, again);
        Assert.Equal("lvs \"a\"", matchers[0].Value);
    }
}
