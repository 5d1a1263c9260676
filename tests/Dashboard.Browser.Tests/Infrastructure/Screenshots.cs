using Microsoft.Playwright;

namespace Dashboard.Browser.Tests.Infrastructure;

/// <summary>Screenshots the tests take go to docs/screenshots at the repository root's wwwroot, where the README shows them.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "wwwroot", "docs");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }

    public static string RepositoryRoot()
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
}
