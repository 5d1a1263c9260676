using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>The agent built by this test run (its own output folder, with its own dependencies) as its own process, with its stderr kept, stopped by a real SIGTERM.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;
    private readonly StringBuilder _error = new();

    private AgentProcess(Process process)
    {
        _process = process;
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static AgentProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // `dotnet dashboard-agent.dll`, as test.sh runs the managed build: a native publish replaces the build's launcher.
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Locate());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var agent = new AgentProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (agent._error)
            {
                agent._error.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return agent;
    }

    /// <summary>src/Dashboard.Agent/bin/CONFIGURATION/netX.Y/RID/dashboard-agent.dll: the copy beside the tests lacks what ASP.NET brings them.</summary>
    private static string Locate()
    {
        var rid = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var (framework, configuration) = (rid.Parent!, rid.Parent!.Parent!);
        for (var dir = rid; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                var binary = Path.Combine(dir.FullName, "src", "Dashboard.Agent", "bin", configuration.Name, framework.Name, rid.Name, "dashboard-agent.dll");
                return File.Exists(binary) ? binary : throw new FileNotFoundException($"The built agent is missing at {binary}", binary);
            }
        }

        throw new DirectoryNotFoundException($"No Dashboard.sln above {AppContext.BaseDirectory}: the tests must run from the repository's build output.");
    }

    /// <summary>What `systemctl stop` sends.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
