namespace Dashboard.Server.Alerting.Channels;

/// <summary>A chat channel in force, from settings (read-only in the UI) or added by an admin.</summary>
public sealed record AlertChannel(string Name, string Kind, string Url, string? Secret, string Language, bool Enabled, string Source)
{
    public const string FromSettings = "settings";
    public const string FromUi = "ui";

    /// <summary>What the UI, the API and the logs may show: never the URL's path or query, never the secret.</summary>
    public ChannelView ToView() => new(Name, Kind, SecretMask.MaskUrl(Url), Secret is { Length: > 0 } ? SecretMask.Mask(Secret) : null, Language, Enabled, Source);
}

