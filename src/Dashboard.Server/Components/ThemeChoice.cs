namespace Dashboard.Server.Components;

/// <summary>Dark or light, chosen by the viewer and kept in a cookie; one per circuit, cascaded from the routes.</summary>
public sealed class ThemeChoice
{
    public const string CookieName = "lvsd.theme";

    public bool Dark { get; set; } = true;

    public event Action? Changed;

    public void Set(bool dark)
    {
        Dark = dark;
        Changed?.Invoke();
    }
}
