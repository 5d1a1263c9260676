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

    /// <summary>"10.1.26.252/32" and "10.1.26.252" name the same single address.</summary>
    public static bool SameAddress(string allowed, string address)
    {
        var slash = allowed.IndexOf('/');
        if (slash < 0)
        {
            return string.Equals(allowed, address, StringComparison.OrdinalIgnoreCase);
        }

        var prefix = allowed[(slash + 1)..];
        return prefix is "32" or "128" && string.Equals(allowed[..slash], address, StringComparison.OrdinalIgnoreCase);
    }
}
