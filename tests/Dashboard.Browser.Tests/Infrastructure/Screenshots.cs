using Microsoft.Playwright;

namespace Dashboard.Browser.Tests.Infrastructure;

/// <summary>
/// Screenshots the tests take go to the test output folder (screenshots/); with DASHBOARD_REFRESH_SCREENSHOTS=1 they also
/// replace the README's pictures in wwwroot/docs, so an ordinary run never rewrites tracked files.
/// </summary>
public static class Screenshots
{
    public const string RefreshVariable = "DASHBOARD_REFRESH_SCREENSHOTS";

    public static async Task SaveAsync(IPage page, string name, bool fullPage = false)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        if (Environment.GetEnvironmentVariable(RefreshVariable) == "1")
        {
            var docs = Path.Combine(RepositoryRoot(), "wwwroot", "docs");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
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
