using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Tests.Alerting;

public sealed class AlertingSettingsTests
{
    [Fact]
    public async Task Start_ChannelAndRuleMistakesInSettings_FailsNamingEveryKey()
    {
        // Arrange
        string[] args =
        [
            "--Dashboard:Alerting:Channels:0:Name=ops", "--Dashboard:Alerting:Channels:0:Kind=pager", "--Dashboard:Alerting:Channels:0:Url=hooks/x",
            "--Dashboard:Alerting:Channels:1:Name=ops", "--Dashboard:Alerting:Channels:1:Kind=webhook", "--Dashboard:Alerting:Channels:1:Url=http://x.test/",
            "--Dashboard:Alerting:Channels:1:Language=fr",
            "--Dashboard:Alerting:Rules:0:Name=NoSuchRule",
        ];

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningDashboard.StartAsync(args));

        // Assert
        Assert.Contains("Dashboard:Alerting:Channels:0:Kind: 'pager' is not one of", error.Message);
        Assert.Contains("Dashboard:Alerting:Channels:0:Url: not an absolute http(s) URL.", error.Message);
        Assert.Contains("Dashboard:Alerting:Channels:1:Name: 'ops' is used by another channel.", error.Message);
        Assert.Contains("Dashboard:Alerting:Channels:1:Language: 'fr' is not one of en, zh-CN.", error.Message);
        Assert.Contains("Dashboard:Alerting:Rules:0: 'NoSuchRule' is not a built-in rule; a new rule needs a Kind.", error.Message);
    }
}
