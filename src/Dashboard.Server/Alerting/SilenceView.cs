namespace Dashboard.Server.Alerting;

public sealed record SilenceView(long Id, string Matchers, string CreatedBy, string Comment, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Active)
{
    public static SilenceView From(Silence s, DateTimeOffset now) => new(s.Id, s.MatchersText, s.CreatedBy, s.Comment, s.StartsAt, s.EndsAt, s.IsActive(now));
}
