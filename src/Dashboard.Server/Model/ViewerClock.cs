namespace Dashboard.Server.Model;

/// <summary>The viewer's time zone (read from the browser once per circuit); times are shown in it.</summary>
public sealed class ViewerClock
{
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public event Action? Changed;

    public void SetZone(string? ianaId)
    {
        if (ianaId is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone) && zone.Id != Zone.Id)
        {
            Zone = zone;
            Changed?.Invoke();
        }
    }

    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public string Time(DateTimeOffset at) => ToLocal(at).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public string DateTime(DateTimeOffset at) => ToLocal(at).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
