using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Tests.Ipvs;

internal static class IpvsConnectionJson
{
    public static string Serialize(IpvsConnectionSummary summary) =>
        JsonSerializer.Serialize(summary, DashboardJsonContext.Default.IpvsConnectionSummary);
}
