using System.Diagnostics;
using System.Text;

namespace Dashboard.Server.Storage;

/// <summary>Runs PostgreSQL programs directly (no shell), as <see cref="PostgresAccount"/> when this process is root.</summary>
internal sealed class PostgresCommandRunner
{
    private static readonly string[] s_systemFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private readonly PostgresAccount? _account;
    private readonly string? _switchUserProgram;

    private PostgresCommandRunner(PostgresAccount? account)
    {
        _account = account;
        if (account is not null)
        {
            _switchUserProgram = FindProgram("runuser") ?? FindProgram("setpriv") ?? throw new EmbeddedPostgresException(
                $"This process runs as root; PostgreSQL must run as '{account.Name}', but neither runuser nor setpriv was found.");
        }
    }

    /// <summary>Runs programs as the current user.</summary>
    public static PostgresCommandRunner Unprivileged { get; } = new(null);

    public PostgresAccount? Account => _account;

    public static PostgresCommandRunner ForCurrentProcess() => new(PostgresAccount.ForCurrentProcess());

    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // "/" because the account PostgreSQL runs as may not be allowed into our working folder.
            WorkingDirectory = "/",
        };
        if (_account is null)
        {
            startInfo.FileName = program;
        }
        else if (Path.GetFileName(_switchUserProgram) == "runuser")
        {
            startInfo.FileName = _switchUserProgram;
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(_account.Name);
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(program);
        }
        else
        {
            startInfo.FileName = _switchUserProgram;
            startInfo.ArgumentList.Add($"--reuid={_account.UserId}");
            startInfo.ArgumentList.Add($"--regid={_account.GroupId}");
            startInfo.ArgumentList.Add("--init-groups");
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // PGPORT, PGDATA and friends would silently change what the programs act on.
        foreach (var name in startInfo.Environment.Keys.Where(key => key.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException)
        {
            throw new EmbeddedPostgresException($"Could not run {program}: {exception.Message}", exception);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (output)
        {
            return new CommandResult(process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string? FindProgram(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_systemFolders)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
