using Dashboard.Agent.Hosting;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>An agent log whose lines the test can read.</summary>
public sealed class TestLog
{
    private readonly StringWriter _writer = new();

    public TestLog()
    {
        Log = new AgentLog(TextWriter.Synchronized(_writer));
    }

    public AgentLog Log { get; }

    public IReadOnlyList<string> Lines => _writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => _writer.ToString();
}
