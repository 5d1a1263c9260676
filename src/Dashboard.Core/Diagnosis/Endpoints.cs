namespace Dashboard.Core.Diagnosis;

/// <summary>Address text helpers: "a.b.c.d:port" and "[v6]:port".</summary>
public static class Endpoints
{
    public static string HostOf(string endpoint)
    {
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']');
            return close > 0 ? endpoint[1..close] : endpoint;
        }

        var colon = endpoint.LastIndexOf(':');
        return colon > 0 ? endpoint[..colon] : endpoint;
    }

    /// <summary>The single address an allowed-pair entry names ("10.1.26.252" or "10.1.26.252/32"), or null for a wider prefix.</summary>
    public static string? SingleAddress(string allowed)
    {
        var slash = allowed.IndexOf('/');
        if (slash < 0)
        {
            return allowed;
        }

        return allowed.AsSpan(slash + 1) is "32" or "128" ? allowed[..slash] : null;
    }
}
