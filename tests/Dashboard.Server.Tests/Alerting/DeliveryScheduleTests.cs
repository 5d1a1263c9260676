using Dashboard.Server.Alerting;
using Dashboard.Server.Alerting.Delivery;

namespace Dashboard.Server.Tests.Alerting;

public sealed class DeliveryScheduleTests
{
    private static readonly DateTimeOffset s_now = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 0.0, 1)]
    [InlineData(1, 1.0, 2)]
    [InlineData(4, 0.5, 12)]
    [InlineData(20, 1.0, 300)]
    public void Delay_AttemptAndJitter_BetweenHalfAndAllOfTheCappedExponential(int attempt, double random, double expectedSeconds)
    {
        // Act
        var delay = RetrySchedule.Delay(attempt, new AlertDeliveryOptions(), random);

        // Assert
        Assert.Equal(expectedSeconds, delay.TotalSeconds, 3);
    }

    [Fact]
    public void Delay_RetryAfterLongerThanBackoff_WaitsAsAsked()
    {
        // Act
        var delay = RetrySchedule.Delay(1, new AlertDeliveryOptions(), 0.5, TimeSpan.FromMinutes(1));

        // Assert
        Assert.Equal(TimeSpan.FromMinutes(1), delay);
    }

    [Fact]
    public void Remaining_DingTalkAfterTwentyInOneMinute_NoneUntilTheOldestLeavesTheWindow()
    {
        // Arrange
        var limits = ChannelRateLimit.For(ChannelKinds.DingTalk);
        var attempts = Enumerable.Range(0, 20).Select(i => s_now.AddSeconds(-50 + i)).ToList();

        // Act
        var remaining = ChannelRateLimit.Remaining(limits, attempts, s_now);
        var next = ChannelRateLimit.NextFree(limits, attempts, s_now);

        // Assert
        Assert.Equal(0, remaining);
        Assert.Equal(s_now.AddSeconds(10), next);
    }

    [Fact]
    public void Remaining_FeishuFiveInOneSecond_PerSecondLimitBinds()
    {
        // Arrange
        var limits = ChannelRateLimit.For(ChannelKinds.Feishu);
        var attempts = Enumerable.Range(0, 5).Select(i => s_now.AddMilliseconds(-100 * i)).ToList();

        // Act
        var remaining = ChannelRateLimit.Remaining(limits, attempts, s_now);

        // Assert
        Assert.Equal(0, remaining);
        Assert.Equal(int.MaxValue, ChannelRateLimit.Remaining(ChannelRateLimit.For(ChannelKinds.Webhook), attempts, s_now));
    }
}
