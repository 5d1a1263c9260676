using Dashboard.Server.Cli;
using Dashboard.Server.Hosting;

if (AdminCommandLine.IsAdminCommand(args))
{
    return await AdminCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(ServerStartup.CreateOptions(args));
builder.AddDashboardServices();

var app = builder.Build();
app.MapDashboard();
ServerStartup.AnnounceWhenListening(app);

await app.RunAsync();
return 0;

public partial class Program;
