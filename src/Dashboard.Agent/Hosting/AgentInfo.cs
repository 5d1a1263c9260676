using System.Reflection;

namespace Dashboard.Agent.Hosting;

public static class AgentInfo
{
    /// <summary>Informational version of the binary, e.g. 0.1.0+commit.</summary>
    public static string Version { get; } =
        typeof(AgentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string UserAgent { get; } = $"dashboard-agent/{Version.Split('+')[0]}";
}
