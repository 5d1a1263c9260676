namespace Dashboard.Server.Alerting.Channels;

/// <summary>Shows enough of a secret to tell two apart ("••••3f2a") and nothing more.</summary>
public static class SecretMask
{
    private const string Dots = "••••";

    public static string Mask(string? secret) =>
        secret is { Length: >= 12 } ? Dots + secret[^4..] : Dots;

    /// <summary>Webhook URLs carry their token in the path or query: keep the scheme and host only.</summary>
    public static string MaskUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/{Mask(url)}" : Mask(url);

    /// <summary>Removes a channel's URL and secret from a text (an error message) before it is stored or logged.</summary>
    public static string Scrub(string text, AlertChannel channel)
    {
        var result = text;
        foreach (var secret in new[] { channel.Url, channel.Secret, Uri.TryCreate(channel.Url, UriKind.Absolute, out var u) ? u.PathAndQuery : null })
        {
            if (secret is { Length: > 3 } && secret != "/")
            {
                result = result.Replace(secret, Mask(secret), StringComparison.Ordinal);
            }
        }

        return result.Length > 500 ? result[..500] : result;
    }
}
