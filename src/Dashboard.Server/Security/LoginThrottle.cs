using System.Collections.Concurrent;

namespace Dashboard.Server.Security;

/// <summary>
/// Backoff instead of a lockout: failures of one account from one client address make that pair wait 1 s, 2 s, 4 s … up to
/// 5 minutes before the next try is even looked at, and failures from one address across accounts do the same. Someone
/// guessing elsewhere cannot lock the on-call out of their own address; a correct login clears the pair.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    private const int FreeFailures = 3;
    private const int FreeFailuresPerAddress = 20;
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_forgetAfter = TimeSpan.FromMinutes(30);
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>True when this account may not be tried from this address yet.</summary>
    public bool IsThrottled(string account, string address)
    {
        var now = clock.GetUtcNow();
        return Waiting(PairKey(account, address), now) || Waiting(AddressKey(address), now);
    }

    public void RecordFailure(string account, string address)
    {
        var now = clock.GetUtcNow();
        Add(PairKey(account, address), FreeFailures, now);
        Add(AddressKey(address), FreeFailuresPerAddress, now);
        if (_failures.Count > 100_000)
        {
            foreach (var stale in _failures.Where(f => now - f.Value.Last > s_forgetAfter).Select(f => f.Key).ToList())
            {
                _failures.TryRemove(stale, out _);
            }
        }
    }

    public void RecordSuccess(string account, string address) => _failures.TryRemove(PairKey(account, address), out _);

    private bool Waiting(string key, DateTimeOffset now) => _failures.TryGetValue(key, out var f) && now < f.NotBefore;

    private void Add(string key, int free, DateTimeOffset now) =>
        _failures.AddOrUpdate(key,
            _ => new Failures(1, now, now),
            (_, f) =>
            {
                var count = now - f.Last > s_forgetAfter ? 1 : f.Count + 1;
                var wait = count <= free ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(s_maxWait.TotalSeconds, Math.Pow(2, count - free - 1)));
                return new Failures(count, now, now + wait);
            });

    private static string PairKey(string account, string address) => $"{account.ToLowerInvariant()}\n{address}";

    private static string AddressKey(string address) => "\n" + address;

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset NotBefore);
}
