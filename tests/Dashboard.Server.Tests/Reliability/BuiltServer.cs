using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>The self-contained server built by this test run (same configuration, framework and runtime), to run as its own process.</summary>
internal static class BuiltServer
{
    public static string Locate()
    {
        var assembly = typeof(BuiltServer).Assembly;
        var configuration = assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new FrameworkName(assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        var folder = $"net{framework.Version.Major}.{framework.Version.Minor}";
        var root = RepositoryRoot();
        var binary = Path.Combine(root, "src", "Dashboard.Server", "bin", configuration, folder, RuntimeInformation.RuntimeIdentifier, "Dashboard.Server");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException(
                $"The built server is missing at {binary}; build it first: dotnet build src/Dashboard.Server -c {configuration}", binary);
        }

        return binary;
    }

    /// <summary>Starts it on a free port, logging into the test's folder, on <paramref name="connectionString"/> (its embedded PostgreSQL when null).</summary>
    public static ServerProcess Start(string folder, string? connectionString, params string[] extraArgs) =>
        ServerProcess.Start(Locate(), FreePort.Next(), connectionString, Path.Combine(folder, "server.log"), extraArgs);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Dashboard.sln above {AppContext.BaseDirectory}: the tests must run from the repository's build output.");
    }
}
