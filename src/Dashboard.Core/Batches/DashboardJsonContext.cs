using System.Text.Json.Serialization;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;

namespace Dashboard.Core.Batches;

/// <summary>Source-generated JSON for every wire shape: the agent is NativeAOT, so no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    NumberHandling = JsonNumberHandling.Strict,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AgentBatch))]
[JsonSerializable(typeof(IpvsConnectionSummary))]
[JsonSerializable(typeof(IpvsServiceTable))]
[JsonSerializable(typeof(IpvsGlobalStats))]
[JsonSerializable(typeof(IptablesDump))]
[JsonSerializable(typeof(NsxFirewallStats))]
[JsonSerializable(typeof(KeepalivedState))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
