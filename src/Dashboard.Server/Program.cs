using Dashboard.Server.Cli;
using Dashboard.Server.Hosting;

if (AdminCommandLine.IsAdminCommand(args))
{
    return await AdminCommandLine.RunAsync(args);
}

var app = DashboardApp.Build(args);
ServerStartup.AnnounceWhenListening(app);
await app.RunAsync();
return 0;

public partial class Program;
