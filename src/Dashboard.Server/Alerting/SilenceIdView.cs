namespace Dashboard.Server.Alerting;

public sealed record SilenceIdView(long Id);
