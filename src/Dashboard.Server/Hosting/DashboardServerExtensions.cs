using System.Security.Claims;
using System.Threading.RateLimiting;
using Dashboard.Server.Alerting;
using Dashboard.Server.Api;
using Dashboard.Server.Components;
using Dashboard.Server.Demo;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Metrics;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Dashboard.Server.Hosting;

public static class DashboardServerExtensions
{
    /// <summary>Options and the database: shared by the server and the admin commands.</summary>
    public static IServiceCollection AddDashboardStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(ConfigNames.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PartitionMaintenance>();
        services.AddSingleton<DashboardDatabase>();
        return services;
    }

    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddDashboardSystemd();

        // Storage: started before Kestrel listens, so migrations are applied before the first request.
        services.AddDashboardStorage(builder.Configuration);
        services.AddHostedService(sp => sp.GetRequiredService<DashboardDatabase>());
        services.AddSingleton<FreeSpaceFloor>();
        services.AddHostedService(sp => sp.GetRequiredService<FreeSpaceFloor>());
        services.AddSingleton<DimensionIdCache>();
        services.AddSingleton(sp => new BatchWriter(() => sp.GetRequiredService<DashboardDatabase>().DataSource, sp.GetRequiredService<DimensionIdCache>(),
            sp.GetRequiredService<Storage.Frames.FrameWriter>(), sp.GetRequiredService<ServerInstance>()));
        services.AddSingleton<SeriesRepository>();
        services.AddSingleton<DropSeriesRepository>();
        services.AddSingleton<StorageStatusReader>();
        services.AddSingleton<Storage.Frames.FrameLayouts>();
        services.AddSingleton<Storage.Frames.FrameChains>();
        services.AddSingleton<Storage.Frames.FrameWriter>();
        services.AddSingleton<Storage.Frames.FrameReader>();
        services.AddSingleton<RollupBuilder>();
        services.AddHostedService<StorageMaintenanceService>();

        // Ingest and live state.
        services.AddSingleton<IngestInstruments>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<LiveStore>();
        services.AddSingleton<StoredBatchReader>();
        services.AddSingleton<ServerInstance>();
        services.AddHostedService<ClusterSync>();
        services.AddSingleton<SilentHostSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SilentHostSweeper>());

        // Diagnosis: known failures named from the live fleet, with history.
        services.AddSingleton<FindingRepository>();
        services.AddSingleton<DiagnosisService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiagnosisService>());

        // Alerting: rules over findings and live data, grouped notifications to chat through an outbox.
        services.AddDashboardAlerting(builder.Configuration);

        // Prometheus: /metrics for reader tokens, and optionally an unauthenticated listener on its own port.
        services.AddDashboardMetrics();

        // Identity: bearer tokens for machines, cookies for people and wall screens.
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<DatabaseReachability>();
        services.AddHostedService<IdentityChanges>();
        services.AddHostedService<FirstAdminBootstrap>();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, DashboardAuthenticationStateProvider>();
        // Expected client errors are logged once by our own code; the framework's per-request lines for them are not needed.
        builder.Logging.AddFilter(typeof(TokenAuthenticationHandler).FullName, LogLevel.Warning);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<DashboardOptions>>((o, dashboard) =>
        {
            // Only configured proxies are believed; without any, X-Forwarded-* is ignored (the default would trust loopback).
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in dashboard.Value.Auth.KnownProxies)
            {
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }

            foreach (var network in dashboard.Value.Auth.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "smart";
                o.DefaultChallengeScheme = "smart";
            })
            .AddPolicyScheme("smart", "Bearer token or cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? DashboardPolicies.TokenScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(DashboardPolicies.TokenScheme, null)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "lvsd.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/metrics"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
                o.Events.OnValidatePrincipal = async context =>
                {
                    var services = context.HttpContext.RequestServices;
                    if (context.Principal is { } principal && !await DashboardAuthenticationStateProvider.StillValidAsync(principal,
                            services.GetRequiredService<SessionValidator>(), services.GetRequiredService<TokenValidator>(), context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardPolicies.Ingest, p => p.AddAuthenticationSchemes(DashboardPolicies.TokenScheme).RequireRole(KnownRoles.IngestRoles))
            .AddPolicy(DashboardPolicies.ReadApi, p => p.RequireRole(KnownRoles.Reader, KnownRoles.Viewer, KnownRoles.Operator, KnownRoles.Admin))
            .AddPolicy(DashboardPolicies.View, p => p.RequireRole(KnownRoles.Viewer, KnownRoles.Operator, KnownRoles.Admin))
            .AddPolicy(DashboardPolicies.Wall, p => p.RequireRole(KnownRoles.Wall, KnownRoles.Viewer, KnownRoles.Operator, KnownRoles.Admin))
            .AddPolicy(DashboardPolicies.Operate, p => p.RequireRole(KnownRoles.Operator, KnownRoles.Admin))
            .AddPolicy(DashboardPolicies.Administer, p => p.RequireRole(KnownRoles.Admin));
        services.AddCascadingAuthenticationState();
        services.AddDataProtection().SetApplicationName("lvs-dashboard");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<DashboardDatabase>())));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(DashboardPolicies.IngestRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptionsMonitor<DashboardOptions>>().CurrentValue.Ingest.MaxRequestsPerMinutePerToken;
                return RateLimitPartition.GetFixedWindowLimiter(context.User.Identity?.Name ?? context.Connection.RemoteIpAddress?.ToString() ?? "",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            // Password guessing: a handful of tries per minute per client address (the real client behind a configured proxy), on top of the backoff.
            o.AddPolicy(DashboardPolicies.LoginRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptionsMonitor<DashboardOptions>>().CurrentValue.Auth.MaxLoginsPerMinutePerAddress,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : "60";
                return ValueTask.CompletedTask;
            };
        });

        // The HTTP API describes itself at /openapi/v1.json.
        services.AddOpenApi();

        // UI: Blazor interactive server with MudBlazor.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o =>
            {
                // Matches the browser's 10 s server timeout (dashboard.js): pings every 4 s, a silent browser dropped after 10 s.
                o.KeepAliveInterval = TimeSpan.FromSeconds(4);
                o.ClientTimeoutInterval = TimeSpan.FromSeconds(10);
            });
        services.AddMudServices();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddScoped<ViewerCulture>();
        services.AddScoped(typeof(Microsoft.Extensions.Localization.IStringLocalizer<>), typeof(ViewerLocalizer<>));
        services.AddScoped<Model.ViewerClock>();
        // Static assets of packages (MudBlazor's script and styles) are served from the build output in every environment.
        builder.WebHost.UseStaticWebAssets();

        if (builder.Configuration.GetValue<bool>(ConfigNames.Demo))
        {
            services.AddHostedService<DemoFleet>();
        }

        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        // With no proxy configured the middleware would believe any sender, so it only runs when some are.
        if (app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.Auth is { } auth && auth.KnownProxies.Count + auth.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<OriginCheckMiddleware>();
        app.UseRequestLocalization(o => o.SetDefaultCulture(AccountApi.Cultures[0]).AddSupportedCultures(AccountApi.Cultures).AddSupportedUICultures(AccountApi.Cultures));
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseMiddleware<AnonymousAccessMiddleware>();
        app.UseMiddleware<WallTokenSignIn>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealthApi();
        app.MapIngestApi();
        app.MapReadApi();
        app.MapFindingsApi();
        app.MapStorageApi();
        app.MapAlertingApi();
        app.MapAccountApi();
        app.MapMetricsApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
