using System.Security.Claims;
using System.Threading.RateLimiting;
using Dashboard.Server.Alerting;
using Dashboard.Server.Api;
using Dashboard.Server.Components;
using Dashboard.Server.Demo;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
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

        // Storage: started before Kestrel listens, so migrations are applied before the first request.
        services.AddDashboardStorage(builder.Configuration);
        services.AddHostedService(sp => sp.GetRequiredService<DashboardDatabase>());
        services.AddSingleton<DimensionIdCache>();
        services.AddSingleton<BatchWriter>();
        services.AddSingleton<SeriesRepository>();
        services.AddSingleton<StreamingRollups>();
        services.AddSingleton<RollupBuilder>();
        services.AddHostedService<StorageMaintenanceService>();

        // Ingest and live state.
        services.AddSingleton<IngestService>();
        services.AddSingleton<LiveStore>();
        services.AddSingleton<StoredBatchReader>();
        services.AddSingleton<ServerInstance>();
        services.AddHostedService<ClusterSync>();

        // Diagnosis: known failures named from the live fleet, with history.
        services.AddSingleton<FindingRepository>();
        services.AddSingleton<DiagnosisService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiagnosisService>());

        // Alerting: rules over findings and live data, grouped notifications to chat through an outbox.
        services.AddDashboardAlerting(builder.Configuration);

        // Identity: bearer tokens for machines, cookies for people and wall screens.
        services.AddSingleton<TokenValidator>();
        services.AddHostedService<FirstAdminBootstrap>();
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
                    if (context.Request.Path.StartsWithSegments("/api"))
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
                    if (context.Principal?.FindFirstValue(WallTokenSignIn.TokenNameClaim) is { } wallToken
                        && !await context.HttpContext.RequestServices.GetRequiredService<TokenValidator>().IsNameActiveAsync(wallToken, context.HttpContext.RequestAborted))
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
            // Password guessing: a handful of tries per minute per client address, on top of the per-user lockout.
            o.AddPolicy(DashboardPolicies.LoginRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
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
        app.UseMiddleware<SecurityHeadersMiddleware>();
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
        app.MapAlertingApi();
        app.MapAccountApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
