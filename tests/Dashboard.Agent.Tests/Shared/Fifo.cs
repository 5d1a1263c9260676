using System.Text;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>A named pipe made with mkfifo, written to as keepalived writes its notify lines.</summary>
public static class Fifo
{
    public static string Create(TestDirectory directory, string name)
    {
        var path = directory.Combine(name);
        NetworkNamespace.Run("mkfifo", "-m", "0600", path);
        return path;
    }

    public static void WriteLines(string path, params string[] lines)
    {
        // Opening for writing does not block: the reader under test holds the FIFO open.
        using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
        writer.Write(Encoding.UTF8.GetBytes(string.Concat(lines.Select(static l => l + "\n"))));
    }
}
