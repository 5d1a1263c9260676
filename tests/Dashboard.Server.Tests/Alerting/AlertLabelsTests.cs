using Dashboard.Server.Alerting;

namespace Dashboard.Server.Tests.Alerting;

public sealed class AlertLabelsTests
{
    [Fact]
    public void FingerprintValue_PrometheusTestVector_SameNumberAsPrometheus()
    {
        // Arrange: the vector of prometheus/common's TestMetricToFingerprint.
        var labels = new Dictionary<string, string> { ["name"] = "garland, briggs", ["fear"] = "love is not enough" };

        // Act
        var value = AlertLabels.FingerprintValue(labels);

        // Assert
        Assert.Equal(5799056148416392346UL, value);
        Assert.Equal("507a62d79ee76c9a", AlertLabels.Fingerprint(labels));
    }

    [Fact]
    public void FingerprintValue_NoLabels_FnvOffset()
    {
        // Act
        var value = AlertLabels.FingerprintValue(new Dictionary<string, string>());

        // Assert
        Assert.Equal(14695981039346656037UL, value);
    }

    [Fact]
    public void GroupKey_DirectorAndVip_AlertmanagerRootRouteFormat()
    {
        // Arrange
        var labels = new Dictionary<string, string> { ["vip"] = "10.1.26.252:10051", ["alertname"] = "X", ["director"] = "lvs \"a\"" };

        // Act
        var key = AlertLabels.GroupKey(AlertLabels.GroupLabels(labels, ["director", "vip", "real_server"]));

        // Assert
        Assert.Equal("{}:{director=\"lvs \\\"a\\\"\", vip=\"10.1.26.252:10051\"}", key);
    }
}
