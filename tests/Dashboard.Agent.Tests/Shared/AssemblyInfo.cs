// Like the agent, the tests need Linux: /proc, network namespaces, FIFOs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
