namespace Dashboard.Agent.Hosting;

/// <summary>
/// One line per event on stderr, with syslog level prefixes when journald reads it: the agent needs nothing more, and
/// Microsoft.Extensions.Logging would bring its options and DI stack into the native binary for that.
/// </summary>
public sealed class AgentLog
{
    private readonly TextWriter _writer;
    private readonly bool _journalPrefixes;
    private readonly Lock _lock = new();

    public AgentLog(TextWriter writer, bool journalPrefixes = false)
    {
        _writer = writer;
        _journalPrefixes = journalPrefixes;
    }

    /// <summary>journald sets JOURNAL_STREAM for services whose output it reads, and then understands the level prefixes.</summary>
    public static AgentLog For(TextWriter error) =>
        new(error, Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 });

    public void Error(string message) => Write(3, "error", message);

    public void Warning(string message) => Write(4, "warning", message);

    public void Info(string message) => Write(6, "info", message);

    private void Write(int syslogLevel, string level, string message)
    {
        var line = _journalPrefixes ? $"<{syslogLevel}>{message}" : $"{level}: {message}";
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }
}
