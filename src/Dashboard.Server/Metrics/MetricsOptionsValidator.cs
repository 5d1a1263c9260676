using System.Net;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Metrics;

/// <summary>Checks Dashboard:Metrics at start-up and names the bad key.</summary>
public sealed class MetricsOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        var metrics = options.Metrics;
        if (metrics.Port is < 1 or > 65535)
        {
            errors.Add($"{MetricsOptions.Section}:Port: {metrics.Port} is not a TCP port (1-65535).");
        }

        if (metrics.Address is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            errors.Add($"{MetricsOptions.Section}:Address: '{address}' is not an IP address.");
        }

        if (metrics.MaxSeries is < 100 or > 10_000_000)
        {
            errors.Add($"{MetricsOptions.Section}:MaxSeries: must be between 100 and 10000000.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
