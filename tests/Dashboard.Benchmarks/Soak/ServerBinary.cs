using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Dashboard.Benchmarks.Soak;

/// <summary>The self-contained server built with these benchmarks (same configuration, framework and runtime), run as its own process.</summary>
public static class ServerBinary
{
    public static string Locate(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"--server: {given} does not exist", given);
        }

        var assembly = typeof(ServerBinary).Assembly;
        var configuration = assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = new FrameworkName(assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        var binary = Path.Combine(RepositoryRoot(), "src", "Dashboard.Server", "bin", configuration,
            $"net{framework.Version.Major}.{framework.Version.Minor}", RuntimeInformation.RuntimeIdentifier, "Dashboard.Server");
        return File.Exists(binary)
            ? binary
            : throw new FileNotFoundException($"The built server is missing at {binary}; build it: dotnet build src/Dashboard.Server -c {configuration}", binary);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Dashboard.sln above {AppContext.BaseDirectory}; pass --server PATH to the built Dashboard.Server.");
    }
}
