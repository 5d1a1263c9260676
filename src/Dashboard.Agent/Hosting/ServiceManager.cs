using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;

namespace Dashboard.Agent.Hosting;

/// <summary>
/// Tells systemd (Type=notify) when the agent is ready, what it last did, that it is stopping, and that its loop is alive
/// (WatchdogSec=). Silent when NOTIFY_SOCKET is not set, as when run from a shell.
/// </summary>
public sealed class ServiceManager
{
    private static readonly ServiceState s_watchdog = new("WATCHDOG=1");
    private readonly ISystemdNotifier _notifier;
    private readonly AgentLog _log;
    private volatile bool _unreachable;
    private int _stopping;

    public ServiceManager(ISystemdNotifier notifier, TimeSpan? watchdogTimeout, AgentLog log)
    {
        _notifier = notifier;
        WatchdogTimeout = watchdogTimeout;
        _log = log;
    }

    /// <summary>How often systemd expects a sign of life, when the unit asks for one and it is meant for this process.</summary>
    public TimeSpan? WatchdogTimeout { get; }

    public static ServiceManager FromEnvironment(AgentLog log) => new(new SystemdNotifier(), ReadWatchdogTimeout(), log);

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    /// <summary>Once, however many times it is called: from the SIGTERM handler and again when the loop has ended.</summary>
    public void Stopping()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            Send("STOPPING=1\nSTATUS=stopping: finishing the batch in hand");
        }
    }

    public void Alive()
    {
        if (WatchdogTimeout is not null)
        {
            Send(s_watchdog);
        }
    }

    private void Send(string state) => Send(new ServiceState(state));

    private void Send(ServiceState state)
    {
        if (!_notifier.IsEnabled || _unreachable)
        {
            return;
        }

        try
        {
            _notifier.Notify(state);
        }
        catch (SocketException e)
        {
            // A stale NOTIFY_SOCKET (inherited, or its listener gone) must not stop the agent: it keeps collecting, unannounced.
            _unreachable = true;
            _log.Warning($"NOTIFY_SOCKET {Environment.GetEnvironmentVariable("NOTIFY_SOCKET")}: {e.Message}; not reporting to systemd any more");
        }
    }

    /// <summary>WATCHDOG_USEC, unless WATCHDOG_PID names another process (the variables were inherited, not meant for us).</summary>
    private static TimeSpan? ReadWatchdogTimeout()
    {
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }
}
