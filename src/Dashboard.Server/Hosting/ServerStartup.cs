using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Server.Hosting;

/// <summary>Command-line switches, the web root, and the one line that tells people where to look.</summary>
public static class ServerStartup
{
    public static WebApplicationOptions CreateOptions(string[] args) => new()
    {
        Args = TranslateSwitches(args),
        ApplicationName = typeof(DashboardApp).Assembly.GetName().Name,
        WebRootPath = LocateWebRoot(),
    };

    /// <summary>`--demo` turns on the simulated fleet and anonymous viewing, unless configured otherwise.</summary>
    public static string[] TranslateSwitches(string[] args)
    {
        if (!args.Contains("--demo"))
        {
            return args;
        }

        var rest = args.Where(a => a != "--demo").ToList();
        rest.Add($"--{ConfigNames.Demo}=true");
        if (!args.Any(a => a.Contains("AnonymousRole", StringComparison.OrdinalIgnoreCase))
            && Environment.GetEnvironmentVariable("Dashboard__Auth__AnonymousRole") is null)
        {
            rest.Add($"--{ConfigNames.AnonymousRole}=viewer");
        }

        return [.. rest];
    }

    /// <summary>The repository's top-level wwwroot when run from source, the published wwwroot otherwise.</summary>
    public static string? LocateWebRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")) && Directory.Exists(Path.Combine(dir.FullName, "wwwroot")))
                {
                    return Path.Combine(dir.FullName, "wwwroot");
                }
            }
        }

        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(published) ? published : null;
    }

    public static void AnnounceWhenListening(WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"LVS-DR health dashboard ready: open {address.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost")}/");
            }
        });
}
