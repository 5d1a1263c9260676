using Microsoft.Extensions.Options;

namespace Dashboard.Server.Hosting;

/// <summary>Collects every bad setting at once and names its key, so start-up fails with one clear message.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    private static readonly string[] s_roles = ["viewer", "operator", "admin"];

    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        if (options.Auth.AnonymousRole is { Length: > 0 } role && !s_roles.Contains(role))
        {
            errors.Add($"{ConfigNames.AnonymousRole}: '{role}' is not a role; use viewer, operator or admin, or leave it empty.");
        }

        if (options.Ingest.MaxBodyBytes is < 1024 or > 1L << 30)
        {
            errors.Add("Dashboard:Ingest:MaxBodyBytes: must be between 1024 and 1073741824.");
        }

        if (options.Ingest.MaxRequestsPerMinutePerToken < 1)
        {
            errors.Add("Dashboard:Ingest:MaxRequestsPerMinutePerToken: must be at least 1.");
        }

        if (options.Ingest.MaxConcurrentWrites is < 1 or > 256)
        {
            errors.Add("Dashboard:Ingest:MaxConcurrentWrites: must be between 1 and 256.");
        }

        if (options.Retention.RawHours < 1)
        {
            errors.Add("Dashboard:Retention:RawHours: must be at least 1.");
        }

        if (options.Retention.MinuteDays * 24 < options.Retention.RawHours || options.Retention.HourDays < options.Retention.MinuteDays)
        {
            errors.Add("Dashboard:Retention: each tier must be kept at least as long as the finer one (RawHours ≤ MinuteDays ≤ HourDays).");
        }

        if (options.Retention.MaxDatabaseGB < 0)
        {
            errors.Add("Dashboard:Retention:MaxDatabaseGB: must be 0 (no bound) or more.");
        }

        if (options.Live.MinRefreshMilliseconds is < 0 or > 10_000)
        {
            errors.Add("Dashboard:Live:MinRefreshMilliseconds: must be between 0 and 10000.");
        }

        if (options.Storage.MinFreeMegabytes < 0)
        {
            errors.Add($"{ConfigNames.StorageMinFreeMegabytes}: must not be negative.");
        }

        if (options.Storage.MinFreePercent is < 0 or > 50 || double.IsNaN(options.Storage.MinFreePercent))
        {
            errors.Add($"{ConfigNames.StorageMinFreePercent}: must be between 0 and 50.");
        }

        if (options.Storage.RetryAfterSeconds is < 1 or > 3600)
        {
            errors.Add($"{ConfigNames.StorageRetryAfterSeconds}: must be between 1 and 3600.");
        }

        if (options.Storage.DataPath is { Length: > 0 } dataPath && !Path.IsPathFullyQualified(dataPath))
        {
            errors.Add($"{ConfigNames.StorageDataPath}: '{dataPath}' is not an absolute path.");
        }

        if (options.Ingest.ClockSkewToleranceSeconds is < 0 or > 600)
        {
            errors.Add("Dashboard:Ingest:ClockSkewToleranceSeconds: must be between 0 and 600.");
        }

        if (options.Limits.MaxHosts < 1 || options.Limits.MaxHostsPerToken < 1 || options.Limits.MaxRowsPerBatch < 1)
        {
            errors.Add("Dashboard:Limits: MaxHosts, MaxHostsPerToken and MaxRowsPerBatch must be at least 1.");
        }

        foreach (var proxy in options.Auth.KnownProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _)))
        {
            errors.Add($"Dashboard:Auth:KnownProxies: '{proxy}' is not an IP address.");
        }

        foreach (var network in options.Auth.KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            errors.Add($"Dashboard:Auth:KnownNetworks: '{network}' is not a network in CIDR notation (10.0.0.0/8).");
        }

        foreach (var (setting, value) in options.EmbeddedPostgresSettings)
        {
            // Written into postgresql.conf as name = 'value': a name is one identifier, a value one line.
            if (!IsSettingName(setting) || value.AsSpan().ContainsAny('\n', '\r', '\0'))
            {
                errors.Add($"Dashboard:EmbeddedPostgresSettings:{setting}: not a PostgreSQL setting name (letters, digits, '_' and '.') with a one-line value.");
            }
        }

        if (options.PublicUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            errors.Add($"Dashboard:PublicUrl: '{url}' is not an absolute URL.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsSettingName(string name) =>
        name.Length is > 0 and <= 63 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.');
}
