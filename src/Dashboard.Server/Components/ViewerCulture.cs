using System.Globalization;

namespace Dashboard.Server.Components;

/// <summary>
/// The language the viewer chose (the culture cookie, read by the host page and handed to the routes when the circuit
/// starts). One per circuit: renders run on whatever thread triggered them (an ingest callback, a component's own
/// callback), whose culture is not the viewer's, so strings are looked up in this culture rather than the thread's.
/// </summary>
public sealed class ViewerCulture
{
    private CultureInfo? _chosen;

    /// <summary>The chosen culture; before the routes set it (static pages, prerendering) the request's culture is the viewer's.</summary>
    public CultureInfo UICulture => _chosen ?? CultureInfo.CurrentUICulture;

    public bool IsChinese => UICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    public void Set(string? name)
    {
        if (Api.AccountApi.Cultures.Contains(name))
        {
            _chosen = CultureInfo.GetCultureInfo(name!);
        }
    }
}
