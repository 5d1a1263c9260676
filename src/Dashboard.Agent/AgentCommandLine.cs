namespace Dashboard.Agent;

internal static class AgentCommandLine
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("usage: dashboard-agent parse|run|once|version");
        return 2;
    }
}
