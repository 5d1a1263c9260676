using Dashboard.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting;

/// <summary>Links sent to chat: Dashboard:PublicUrl, else the first address the server listens on.</summary>
public sealed class AlertLinks(IOptionsMonitor<DashboardOptions> options, IServer server)
{
    public string Base
    {
        get
        {
            if (options.CurrentValue.PublicUrl is { Length: > 0 } configured)
            {
                return configured.TrimEnd('/');
            }

            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
            return address.Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/');
        }
    }

    public string Alert(string fingerprint) => $"{Base}/alerts?fingerprint={Uri.EscapeDataString(fingerprint)}";

    /// <summary>The VIP page when the incident is one VIP, the hypervisor page for a hypervisor alone, the findings otherwise.</summary>
    public string Incident(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.GetValueOrDefault(AlertLabels.Director) is { } director && labels.GetValueOrDefault(AlertLabels.Vip) is { } vip)
        {
            return $"{Base}/vip?director={Uri.EscapeDataString(director)}&protocol=TCP&virtual={Uri.EscapeDataString(vip)}";
        }

        if (labels.GetValueOrDefault(AlertLabels.Director) is { } onlyDirector)
        {
            return $"{Base}/findings?director={Uri.EscapeDataString(onlyDirector)}";
        }

        return labels.GetValueOrDefault(AlertLabels.Hypervisor) is { } hypervisor
            ? $"{Base}/hypervisor?name={Uri.EscapeDataString(hypervisor)}"
            : $"{Base}/findings";
    }
}
