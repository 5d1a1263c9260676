using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace Dashboard.Server.Hosting;

/// <summary>
/// Type=notify: READY=1 once migrations are applied and Kestrel listens, STOPPING=1 when the stop begins, and log lines in
/// journald's format (syslog level prefixes) when journald reads them. The server has no watchdog: /healthz and /readyz
/// answer for it, and a restart would drop every open dashboard.
/// </summary>
public static class SystemdIntegration
{
    public static IServiceCollection AddDashboardSystemd(this IServiceCollection services)
    {
        // With systemd itself as the parent process: SystemdLifetime, its notifier and the journald console format.
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
        {
            // Started through a wrapper (or another supervisor of the same protocol): NOTIFY_SOCKET is the protocol's own signal.
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        if (Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 })
        {
            services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
        }

        return services;
    }
}
