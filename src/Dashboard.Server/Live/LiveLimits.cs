using System.Collections.Concurrent;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>
/// Limits that speak: hosts in the live store, hosts per token, rows per batch. Past one, the push is refused with the
/// limit's configuration key, the refusal is counted for admins, and a finding names it; nothing is dropped silently.
/// </summary>
public sealed class LiveLimits(IOptionsMonitor<DashboardOptions> options, TimeProvider clock, Func<string, bool> isKnown, Func<int> hostCount)
{
    public const string MaxHostsName = "Dashboard:Limits:MaxHosts";
    public const string MaxHostsPerTokenName = "Dashboard:Limits:MaxHostsPerToken";
    public const string MaxRowsPerBatchName = "Dashboard:Limits:MaxRowsPerBatch";

    private readonly ConcurrentDictionary<string, string> _tokenOfHost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hostsOfToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LimitBreach> _breaches = new(StringComparer.Ordinal);
    private readonly Lock _admitting = new();

    public IReadOnlyList<LimitBreach> Breaches => [.. _breaches.Values.OrderBy(b => b.Limit, StringComparer.Ordinal)];

    /// <summary>Null when the host may be taken (and is now counted for the token), else the reason naming the limit.</summary>
    public string? Admit(string host, string token)
    {
        if (_tokenOfHost.ContainsKey(host))
        {
            return null;
        }

        var limits = options.CurrentValue.Limits;
        lock (_admitting)
        {
            if (_tokenOfHost.ContainsKey(host))
            {
                return null;
            }

            var known = isKnown(host);
            if (!known && hostCount() >= limits.MaxHosts)
            {
                return Refuse(MaxHostsName, host, token, $"the live store holds {limits.MaxHosts} hosts ({MaxHostsName}); host '{host}' is new");
            }

            var ofToken = _hostsOfToken.GetValueOrDefault(token);
            if (ofToken >= limits.MaxHostsPerToken)
            {
                return Refuse(MaxHostsPerTokenName, host, token, $"token '{token}' already sends for {ofToken} hosts ({MaxHostsPerTokenName} = {limits.MaxHostsPerToken}); host '{host}' is one more");
            }

            _tokenOfHost[host] = token;
            _hostsOfToken[token] = ofToken + 1;
            return null;
        }
    }

    /// <summary>Counts a refusal under its limit and gives back the reason to send.</summary>
    public string Refuse(string limit, string host, string token, string reason)
    {
        _breaches.AddOrUpdate(limit,
            _ => new LimitBreach(limit, 1, host, token, reason, clock.GetUtcNow()),
            (_, b) => new LimitBreach(limit, b.Refused + 1, host, token, reason, clock.GetUtcNow()));
        return reason;
    }

    /// <summary>A host left the live store: it no longer counts against its token.</summary>
    public void Forget(string host)
    {
        lock (_admitting)
        {
            if (_tokenOfHost.TryRemove(host, out var token))
            {
                _hostsOfToken.AddOrUpdate(token, 0, (_, n) => Math.Max(0, n - 1));
            }
        }
    }
}
