namespace Dashboard.Server.Hosting;

/// <summary>Builds the whole server; the browser tests start the same thing in-process on a free port.</summary>
public static class DashboardApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(ServerStartup.CreateOptions(args));
        builder.AddDashboardServices();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDashboard();
        return app;
    }
}
