namespace Dashboard.Server.Alerting;

/// <summary>Mutes the alerts all its matchers match between StartsAt and EndsAt; who made it and why are kept.</summary>
public sealed record Silence(long Id, IReadOnlyList<SilenceMatcher> Matchers, string CreatedBy, string Comment, DateTimeOffset StartsAt,
    DateTimeOffset EndsAt, DateTimeOffset CreatedAt)
{
    public bool IsActive(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public bool Mutes(IReadOnlyDictionary<string, string> labels, DateTimeOffset now) => IsActive(now) && Matchers.All(m => m.Matches(labels));

    public string MatchersText => string.Join(", ", Matchers);
}
