using Dashboard.Server.Cli;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Security;

/// <summary>On the first start with no user at all, creates `admin` and prints its password once, as Grafana's first run does.</summary>
public sealed class FirstAdminBootstrap(DashboardDatabase database, ILogger<FirstAdminBootstrap> logger) : IHostedService
{
    public const string AdminName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var users = new UserRepository(database.DataSource);
        if (await users.CountAsync(cancellationToken) > 0)
        {
            return;
        }

        var password = AdminCommandLine.GeneratePassword();
        await users.AddOrUpdateAsync(AdminName, KnownRoles.Admin, password, cancellationToken);
        // Printed, not logged: log shippers must not carry it, and it is shown this once only.
        Console.WriteLine($"First start: created user '{AdminName}' (admin) with password {password} — shown only now; change it with `user add {AdminName} --role admin --password-stdin`.");
        logger.LogWarning("Created the first admin user '{Name}'; its password was printed once on standard output", AdminName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
