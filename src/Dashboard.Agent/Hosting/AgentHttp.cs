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
        // Ingest answers are small; the NSX API is streamed (ResponseHeadersRead) and not held to this.
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = 1024 * 1024 };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(AgentInfo.UserAgent);
        return client;
    }
}
