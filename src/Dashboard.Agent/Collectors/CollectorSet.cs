using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;

namespace Dashboard.Agent.Collectors;

/// <summary>The collectors the configuration enables, in a fixed order.</summary>
public static class CollectorSet
{
    public static IReadOnlyList<ICollector> Create(CollectorsOptions options, ICommandRunner runner, HttpClient http, TimeSpan timeout, AgentLog log)
    {
        var collectors = new List<ICollector>();
        if (options.Ipvs.Enabled)
        {
            collectors.Add(new IpvsCollector(options.Ipvs, runner, log, timeout));
        }

        if (options.Iptables.Enabled)
        {
            collectors.Add(new IptablesCollector(options.Iptables, runner, log, timeout));
        }

        if (options.Nsx.Enabled)
        {
            collectors.Add(new NsxCollector(options.Nsx, runner, http, log, timeout));
        }

        if (options.Ovs.Enabled)
        {
            collectors.Add(new OvsFlowsCollector(options.Ovs, runner, log, timeout));
        }

        if (options.Keepalived.Enabled)
        {
            collectors.Add(new KeepalivedCollector(options.Keepalived, log));
        }

        return collectors;
    }
}
