using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Dashboard.Server.Hosting;

namespace Dashboard.Server.Tests.Hosting;

/// <summary>CONFIGURATION.md lists exactly the keys the options classes bind: none missing, none left after a key is gone.</summary>
public sealed partial class ConfigurationReferenceTests
{
    [Fact]
    public void Reference_AgainstTheOptionsClasses_SameKeysBothWays()
    {
        // Arrange
        var path = Path.Combine(RepositoryRoot(), "src", "Dashboard.Server", "CONFIGURATION.md");
        var documented = KeyCell().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value)
            .Where(k => k.StartsWith("Dashboard:", StringComparison.Ordinal)).Select(k => k.Replace(":NAME", "", StringComparison.Ordinal)).ToHashSet();

        // Act
        var bound = Keys(typeof(DashboardOptions), "Dashboard").ToHashSet();

        // Assert
        Assert.Empty(bound.Except(documented).Order());
        Assert.Empty(documented.Except(bound).Order());
    }

    /// <summary>Every leaf key: a value, a list or a dictionary; nested option classes are walked into.</summary>
    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{property.Name}";
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var leaf = t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || typeof(IEnumerable).IsAssignableFrom(t);
            foreach (var k in leaf ? [key] : Keys(t, key))
            {
                yield return k;
            }
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex KeyCell();
}
