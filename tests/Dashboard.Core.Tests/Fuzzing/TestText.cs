using System.Text;

namespace Dashboard.Core.Tests.Fuzzing;

/// <summary>Test inputs as streams: inline text (UTF-8) and the verbatim captures under fixtures/.</summary>
internal static class TestText
{
    public static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    public static MemoryStream Stream(byte[] bytes) => new(bytes, writable: false);

    public static byte[] FixtureBytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", name));

    public static FileStream Fixture(string name) => File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", name));

    /// <summary>1-based number of the first line containing the text.</summary>
    public static long LineOf(string text, string part)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(part, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new ArgumentException($"'{part}' is not in the text");
    }
}
