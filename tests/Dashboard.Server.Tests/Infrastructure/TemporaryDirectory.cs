namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>A new folder under the temp folder, deleted with everything in it on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        // Not Directory.CreateTempSubdirectory: its 0700 mode would lock out the postgres account PostgreSQL runs as under root.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lvs-dashboard-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
