namespace Dashboard.Agent.Hosting;

public static class AgentHttp
{
    /// <summary>One client for the agent's life; timeouts are per attempt in the retry pipeline, not on the client.</summary>
    public static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(AgentInfo.UserAgent);
        return client;
    }
}
