using System.Text;
using System.Text.Json;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Tests.Storage;

public sealed class StateCountsJsonTests
{
    [Fact]
    public void Encode_ReusedForALongerThenAShorterRow_EachRowIsExactlyItsOwnObject()
    {
        // Arrange: a row with an unknown state whose name needs escaping, then a shorter one.
        var first = StateCounts.FromUnordered(new KeyValuePair<string, long>[]
        {
            new("SYN_RECV", 42), new("ESTABLISHED", long.MaxValue), new("SYN_REVV \"typo\" \\ é", 3),
        });
        var second = StateCounts.FromUnordered(new KeyValuePair<string, long>[] { new("CLOSE", 1) });
        using var json = new StateCountsJson();

        // Act
        var firstText = Encoding.UTF8.GetString(json.Encode(first).Span);
        var secondText = Encoding.UTF8.GetString(json.Encode(second).Span);

        // Assert
        using var parsed = JsonDocument.Parse(firstText);
        Assert.Equal(
            [("ESTABLISHED", long.MaxValue), ("SYN_RECV", 42L), ("SYN_REVV \"typo\" \\ é", 3L)],
            parsed.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray());
        Assert.Equal("""{"CLOSE":1}""", secondText);
        Assert.Equal(secondText, DbValues.JsonObject(second));
        Assert.Equal("{}", Encoding.UTF8.GetString(json.Encode(new StateCounts()).Span));
    }
}
