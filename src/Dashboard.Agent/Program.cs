using Dashboard.Agent.Cli;

// The agent reads Linux kernel state (/proc/net/ip_vs, netfilter, network namespaces) and runs nowhere else.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

return await AgentCommandLine.RunAsync(args, AgentConsole.Standard());
