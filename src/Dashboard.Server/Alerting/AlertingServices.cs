using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Alerting.Delivery;
using Dashboard.Server.Alerting.Rules;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting;

public static class AlertingServices
{
    /// <summary>
    /// Key of the clock alerting schedules run on (for, group_wait, backoff); the server's clock unless one is registered
    /// under this key before, so the schedule can be driven by hand.
    /// </summary>
    public const string ClockKey = "alerting";

    public static IServiceCollection AddDashboardAlerting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertingOptions>().Bind(configuration.GetSection(AlertingOptions.Section));
        services.AddSingleton<IValidateOptions<DashboardOptions>, AlertingOptionsValidator>();
        services.TryAddKeyedSingleton<TimeProvider>(ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());

        // Rules and alert state.
        services.AddSingleton<IAlertCondition, FindingCondition>();
        services.AddSingleton<IAlertCondition, SynRecvRatioCondition>();
        services.AddSingleton<IAlertCondition, DropRateCondition>();
        services.AddSingleton<IAlertCondition, AgentSilentCondition>();
        services.AddSingleton<IAlertCondition, RealServerDownCondition>();
        services.AddSingleton<AlertRuleCatalog>();
        services.AddSingleton<AlertRepository>();
        services.AddSingleton<SilenceRepository>();
        services.AddSingleton<AlertLinks>();
        services.AddSingleton<AlertOperations>();
        services.AddSingleton<AlertEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEngine>());

        // Channels and delivery.
        services.AddSingleton<IChannelFormatter, SlackFormatter>();
        services.AddSingleton<IChannelFormatter, MattermostFormatter>();
        services.AddSingleton<IChannelFormatter, DingTalkFormatter>();
        services.AddSingleton<IChannelFormatter, WeComFormatter>();
        services.AddSingleton<IChannelFormatter, FeishuFormatter>();
        services.AddSingleton<IChannelFormatter, TeamsFormatter>();
        services.AddSingleton<IChannelFormatter, WebhookFormatter>();
        services.AddSingleton<IChannelFormatter, AlertmanagerFormatter>();
        services.AddSingleton<ChannelRepository>();
        services.AddSingleton<ChannelCatalog>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<ChannelTester>();
        services.AddSingleton<OutboxRepository>();
        services.AddSingleton<AlertDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddHostedService<AlertmanagerRefresher>();
        return services;
    }
}
