namespace Dashboard.Server.Storage;

/// <summary>An exclusive lock on a file beside the data folder, so that two processes never initialize or start it together.</summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private static readonly TimeSpan s_retryInterval = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream)
    {
        _stream = stream;
    }

    public static async Task<DataDirectoryLock> AcquireAsync(string dataDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = dataDirectory.TrimEnd('/') + ".lock";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                // FileShare.None takes an flock on Unix: it is released by the kernel if this process dies.
                return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (!deadline.IsCancellationRequested)
            {
            }

            try
            {
                await Task.Delay(s_retryInterval, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new EmbeddedPostgresException($"Another process has held {path} for more than {timeout.TotalSeconds:0} s while starting PostgreSQL.");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
