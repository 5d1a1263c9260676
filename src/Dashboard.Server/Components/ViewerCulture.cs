using System.Globalization;

namespace Dashboard.Server.Components;

/// <summary>
/// Live updates arrive on ingest and timer threads, which run in the server's culture; a render they cause must still
/// speak the viewer's language, so the callback runs in the culture the page started in.
/// </summary>
public static class ViewerCulture
{
    public static Func<Task> Bind(Func<Task> callback)
    {
        var culture = CultureInfo.CurrentCulture;
        var uiCulture = CultureInfo.CurrentUICulture;
        // An async lambda: the culture set here stays inside this call and does not leak back into the caller's thread.
        return async () =>
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
            await callback();
        };
    }
}
