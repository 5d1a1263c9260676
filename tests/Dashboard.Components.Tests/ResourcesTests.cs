using System.Xml.Linq;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests;

/// <summary>The two resource files describe the same interface: the same keys, no empty value, placeholders alike.</summary>
public sealed class ResourcesTests
{
    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Dashboard.Server", "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Keys_EnglishAndChinese_SameSetNoneEmpty()
    {
        var english = Read("Strings.resx");
        var chinese = Read("Strings.zh-Hans.resx");

        Assert.Empty(english.Keys.Except(chinese.Keys));
        Assert.Empty(chinese.Keys.Except(english.Keys));
        Assert.Empty(english.Where(e => string.IsNullOrWhiteSpace(e.Value)).Select(e => e.Key));
        Assert.Empty(chinese.Where(e => string.IsNullOrWhiteSpace(e.Value)).Select(e => e.Key));
    }

    [Fact]
    public void Placeholders_EachKey_SameInBothLanguages()
    {
        var english = Read("Strings.resx");
        var chinese = Read("Strings.zh-Hans.resx");
        static string Holes(string text) => string.Join(',', System.Text.RegularExpressions.Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).Distinct().Order());

        Assert.Empty(english.Where(e => Holes(e.Value) != Holes(chinese[e.Key])).Select(e => $"{e.Key}: {Holes(e.Value)} / {Holes(chinese[e.Key])}"));
    }

    [Fact]
    public void Chinese_EveryValueThatIsASentence_ActuallyTranslated()
    {
        var english = Read("Strings.resx");
        var chinese = Read("Strings.zh-Hans.resx");

        // A value with two or more English words in both files was copied, not translated.
        Assert.Empty(chinese.Where(c => c.Value == english[c.Key] && c.Value.Count(char.IsWhiteSpace) >= 1).Select(c => c.Key));
    }
}
