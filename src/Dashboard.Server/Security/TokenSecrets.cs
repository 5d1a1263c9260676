using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Server.Security;

/// <summary>Makes bearer tokens and the hashes they are stored under.</summary>
public static class TokenSecrets
{
    private const string Prefix = "lvsd_";

    /// <summary>256 random bits, URL-safe, with a prefix that secret scanners can recognise.</summary>
    public static string NewToken() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Tokens carry 256 bits of entropy, so one SHA-256 is enough; no slow hash is needed.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool LooksLikeToken(string? value) =>
        value is { Length: > 10 and < 200 } && value.StartsWith(Prefix, StringComparison.Ordinal);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
