using Dashboard.Server.Alerting.Channels;

namespace Dashboard.Server.Alerting;

/// <summary>The channel form of the admin page; URL and secret start empty and, left empty, keep what is stored.</summary>
public sealed class ChannelEdit
{
    public string Name { get; set; } = "";
    public string Kind { get; set; } = ChannelKinds.Webhook;
    public string? Url { get; set; }
    public string? Secret { get; set; }
    public bool ClearSecret { get; set; }
    public string Language { get; set; } = ChannelLanguages.English;
    public bool Enabled { get; set; } = true;
    public bool IsNew { get; set; } = true;

    /// <summary>Shown as the URL field's placeholder when editing: the masked URL.</summary>
    public string? MaskedUrl { get; set; }

    public static ChannelEdit From(AlertChannel channel) => new()
    {
        Name = channel.Name,
        Kind = channel.Kind,
        Language = channel.Language,
        Enabled = channel.Enabled,
        IsNew = false,
        MaskedUrl = SecretMask.MaskUrl(channel.Url),
    };

    public List<string> Validate(IReadOnlyList<AlertChannel> existing)
    {
        var errors = new List<string>();
        var name = Name.Trim();
        if (name.Length is 0 or > 100)
        {
            errors.Add("Name: 1 to 100 characters.");
        }
        else if (existing.FirstOrDefault(c => c.Name == name) is { } clash && (IsNew || clash.Source == AlertChannel.FromSettings))
        {
            errors.Add(clash.Source == AlertChannel.FromSettings
                ? $"Name: '{name}' is configured in settings and can only be changed there."
                : $"Name: '{name}' is already used.");
        }

        if (!ChannelKinds.All.Contains(Kind))
        {
            errors.Add($"Kind: one of {string.Join(", ", ChannelKinds.All)}.");
        }

        if ((IsNew || Url is { Length: > 0 }) && (!Uri.TryCreate(Url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add("URL: an absolute http(s) URL.");
        }

        if (!ChannelLanguages.All.Contains(Language))
        {
            errors.Add($"Language: one of {string.Join(", ", ChannelLanguages.All)}.");
        }

        return errors;
    }
}
