using System.Text.Json;
using Dapper;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting;

/// <summary>
/// The rules in force: built-in defaults, overridden key by key from settings, replaced whole by rules edited in the UI
/// (kept in the database, re-read every half minute so every server instance follows).
/// </summary>
public sealed class AlertRuleCatalog(IOptionsMonitor<AlertingOptions> options, DashboardDatabase database, ILogger<AlertRuleCatalog> logger)
{
    private static readonly TimeSpan s_reloadEvery = TimeSpan.FromSeconds(30);

    private IReadOnlyDictionary<string, AlertRule> _stored = new Dictionary<string, AlertRule>();
    private long _loadedAtTicks = long.MinValue;

    /// <summary>Defaults with the settings applied: what "reset" returns a rule to.</summary>
    public IReadOnlyList<AlertRule> BaseRules()
    {
        var rules = DefaultAlertRules.All.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var configured in options.CurrentValue.Rules.Where(r => r.Name.Length > 0))
        {
            if (rules.TryGetValue(configured.Name, out var existing))
            {
                rules[configured.Name] = Overlay(existing, configured);
            }
            else if (configured.Kind is { } kind && AlertRuleKinds.All.Contains(kind))
            {
                rules[configured.Name] = Overlay(new AlertRule { Name = configured.Name, Kind = kind }, configured);
            }
        }

        return rules.Values.ToList();
    }

    public async Task<IReadOnlyList<AlertRule>> GetAsync(CancellationToken ct)
    {
        if (Environment.TickCount64 - _loadedAtTicks > s_reloadEvery.TotalMilliseconds)
        {
            await ReloadAsync(ct);
        }

        var stored = _stored;
        var merged = BaseRules().ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var (name, rule) in stored)
        {
            merged[name] = rule;
        }

        return merged.Values.OrderBy(r => r.Kind == AlertRuleKinds.Finding ? 0 : 1).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public async Task SaveAsync(AlertRule rule, string user, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into alert_rules (name, definition, updated_by, updated_at) values (@name, @definition::jsonb, @user, @now)
            on conflict (name) do update set definition = excluded.definition, updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """;
        var definition = JsonSerializer.Serialize(rule with { Source = AlertRuleSources.Ui }, AlertingJson.Options);
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name = rule.Name, definition, user, now }, cancellationToken: ct));
        await ReloadAsync(ct);
    }

    /// <summary>Forgets the UI's version of a rule: the default (with settings) applies again, or the rule goes if it was new.</summary>
    public async Task ResetAsync(string name, CancellationToken ct)
    {
        const string sql = "delete from alert_rules where name = @name";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, cancellationToken: ct));
        await ReloadAsync(ct);
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        const string sql = "select name, definition::text as definition from alert_rules";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Name, string Definition)>(new CommandDefinition(sql, cancellationToken: ct));
        var stored = new Dictionary<string, AlertRule>(StringComparer.Ordinal);
        foreach (var (name, definition) in rows)
        {
            try
            {
                if (JsonSerializer.Deserialize<AlertRule>(definition, AlertingJson.Options) is { } rule && AlertRuleKinds.All.Contains(rule.Kind))
                {
                    stored[name] = rule with { Name = name, Source = AlertRuleSources.Ui };
                }
            }
            catch (JsonException e)
            {
                logger.LogWarning("Alert rule {Rule} stored in the database is unreadable and is ignored: {Reason}", name, e.Message);
            }
        }

        _stored = stored;
        _loadedAtTicks = Environment.TickCount64;
    }

    private static AlertRule Overlay(AlertRule rule, AlertRuleOptions o)
    {
        var labels = new Dictionary<string, string>(rule.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in o.Labels)
        {
            labels[key] = value;
        }

        return rule with
        {
            Kind = o.Kind ?? rule.Kind,
            Enabled = o.Enabled ?? rule.Enabled,
            Severity = o.Severity ?? rule.Severity,
            For = o.For ?? rule.For,
            Threshold = o.Threshold ?? rule.Threshold,
            Minimum = o.Minimum ?? rule.Minimum,
            Scope = o.Scope ?? rule.Scope,
            Selector = o.Selector ?? rule.Selector,
            Match = o.Match ?? rule.Match,
            Finding = o.Finding ?? rule.Finding,
            Labels = labels,
            Source = AlertRuleSources.Settings,
        };
    }
}
