using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Dashboard.Agent.Commands;

/// <summary>Runs commands as child processes: no shell, stdin closed, stdout streamed to the reader, stderr kept up to a bound.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    private const int MaxErrorChars = 2000;

    public async Task<CommandOutcome<T>> RunAsync<T>(IReadOnlyList<string> arguments, Func<Stream, T> readOutput, TimeSpan timeout,
        CancellationToken ct) where T : class
    {
        var start = new ProcessStartInfo(arguments[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        for (var i = 1; i < arguments.Count; i++)
        {
            start.ArgumentList.Add(arguments[i]);
        }

        // C messages keep stderr stable whatever the host's locale.
        start.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new CommandOutcome<T>(CommandStatus.NotFound, null, null, $"{arguments[0]}: {e.Message}");
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var stderr = ReadBoundedAsync(process.StandardError, deadline.Token);
        try
        {
            // The parsers read synchronously from the pipe; a worker thread keeps the caller's thread free.
            var value = await Task.Run(() => readOutput(process.StandardOutput.BaseStream), deadline.Token).WaitAsync(deadline.Token);

            // A reader that stopped early must not leave the child blocked on a full pipe.
            await process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            var error = await stderr;
            return process.ExitCode == 0
                ? new CommandOutcome<T>(CommandStatus.Succeeded, value, 0, error)
                : new CommandOutcome<T>(CommandStatus.Failed, null, process.ExitCode, error);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            return new CommandOutcome<T>(CommandStatus.TimedOut, null, null, $"{arguments[0]}: no exit within {timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken ct)
    {
        var kept = new StringBuilder();
        var buffer = new char[1024];
        int read;
        try
        {
            while ((read = await reader.ReadAsync(buffer, ct)) > 0)
            {
                var room = MaxErrorChars - kept.Length;
                if (room > 0)
                {
                    kept.Append(buffer, 0, Math.Min(room, read));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever arrived before the deadline is enough for a message.
        }

        return kept.ToString().Trim();
    }
}
