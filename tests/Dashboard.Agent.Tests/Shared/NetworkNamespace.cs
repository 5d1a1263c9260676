using System.Diagnostics;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>A network namespace made for one test (we run as root), with its loopback up; deleted on dispose.</summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public static NetworkNamespace Create()
    {
        var space = new NetworkNamespace("dashagent-" + Guid.NewGuid().ToString("N")[..10]);
        Run("ip", "netns", "add", space.Name);
        space.Exec("ip", "link", "set", "lo", "up");
        return space;
    }

    /// <summary>Runs a program inside the namespace and returns its stdout; throws on a non-zero exit.</summary>
    public string Exec(params string[] arguments) => Run(["ip", "netns", "exec", Name, .. arguments]);

    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
        }

        return output.Result;
    }

    public void Dispose() => Run("ip", "netns", "delete", Name);
}
