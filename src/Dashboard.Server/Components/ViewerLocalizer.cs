using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Dashboard.Server.Components;

/// <summary>
/// The viewer's strings in the viewer's chosen culture. A render may run on any thread — an ingest callback, a
/// MudBlazor component re-rendering itself — and a render fragment looks its strings up when it runs, so the lookup
/// must not depend on that thread's culture. Registered per scope, i.e. per circuit.
/// </summary>
public sealed class ViewerLocalizer<T>(IStringLocalizerFactory factory, ViewerCulture viewer) : IStringLocalizer<T>
{
    private readonly IStringLocalizer _inner = factory.Create(typeof(T));

    public LocalizedString this[string name] => InCulture(() => _inner[name]);

    public LocalizedString this[string name, params object[] arguments] => InCulture(() => _inner[name, arguments]);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => InCulture(() => _inner.GetAllStrings(includeParentCultures).ToList());

    private TResult InCulture<TResult>(Func<TResult> lookup)
    {
        var current = CultureInfo.CurrentUICulture;
        var culture = viewer.UICulture;
        if (Equals(current, culture))
        {
            return lookup();
        }

        CultureInfo.CurrentUICulture = culture;
        try
        {
            return lookup();
        }
        finally
        {
            CultureInfo.CurrentUICulture = current;
        }
    }
}
