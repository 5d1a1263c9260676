using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting;

/// <summary>Checks Dashboard:Alerting at start-up and names every bad key, so a typo in a channel fails loudly instead of silently.</summary>
public sealed class AlertingOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        var alerting = options.Alerting;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < alerting.Channels.Count; i++)
        {
            var c = alerting.Channels[i];
            var key = $"{AlertingOptions.Section}:Channels:{i}";
            if (c.Name.Length == 0)
            {
                errors.Add($"{key}:Name: a channel needs a name.");
            }
            else if (!names.Add(c.Name))
            {
                errors.Add($"{key}:Name: '{c.Name}' is used by another channel.");
            }

            if (!ChannelKinds.All.Contains(c.Kind.ToLowerInvariant()))
            {
                errors.Add($"{key}:Kind: '{c.Kind}' is not one of {string.Join(", ", ChannelKinds.All)}.");
            }

            if (!Uri.TryCreate(c.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{key}:Url: not an absolute http(s) URL.");
            }

            if (!ChannelLanguages.All.Contains(c.Language))
            {
                errors.Add($"{key}:Language: '{c.Language}' is not one of {string.Join(", ", ChannelLanguages.All)}.");
            }
        }

        for (var i = 0; i < alerting.Rules.Count; i++)
        {
            var r = alerting.Rules[i];
            var key = $"{AlertingOptions.Section}:Rules:{i}";
            if (r.Name.Length == 0)
            {
                errors.Add($"{key}:Name: a rule needs a name.");
            }

            if (r.Kind is { } kind && !AlertRuleKinds.All.Contains(kind))
            {
                errors.Add($"{key}:Kind: '{kind}' is not one of {string.Join(", ", AlertRuleKinds.All)}.");
            }
            else if (r.Kind is null && r.Name.Length > 0 && DefaultAlertRules.All.All(d => d.Name != r.Name))
            {
                errors.Add($"{key}: '{r.Name}' is not a built-in rule; a new rule needs a Kind.");
            }

            if (r.Severity is { } severity && !AlertSeverities.All.Contains(severity))
            {
                errors.Add($"{key}:Severity: '{severity}' is not one of {string.Join(", ", AlertSeverities.All)}.");
            }

            if (r.For is { } hold && hold < TimeSpan.Zero)
            {
                errors.Add($"{key}:For: must not be negative.");
            }
        }

        if (alerting.GroupWait < TimeSpan.Zero || alerting.GroupInterval < TimeSpan.Zero || alerting.RepeatInterval <= TimeSpan.Zero)
        {
            errors.Add($"{AlertingOptions.Section}: GroupWait and GroupInterval must not be negative, RepeatInterval must be positive.");
        }

        if (alerting.Delivery.Timeout <= TimeSpan.Zero || alerting.Delivery.InitialBackoff <= TimeSpan.Zero || alerting.Delivery.MaxBackoff < alerting.Delivery.InitialBackoff)
        {
            errors.Add($"{AlertingOptions.Section}:Delivery: Timeout and InitialBackoff must be positive and MaxBackoff at least InitialBackoff.");
        }

        if (alerting.Delivery.AlertmanagerResend < TimeSpan.FromSeconds(1) || alerting.Delivery.AlertmanagerResend > TimeSpan.FromMinutes(4))
        {
            errors.Add($"{AlertingOptions.Section}:Delivery:AlertmanagerResend: between 1 s and 4 min, so Alertmanager (resolve_timeout 5 min) never resolves a firing alert.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
