using Microsoft.Extensions.Localization;

namespace Dashboard.Components.Tests.Infrastructure;

/// <summary>The application's localizer, noting each key it does not find (a typo, or a key added to one file only).</summary>
public sealed class RecordingLocalizer<T>(IStringLocalizerFactory factory, MissingResources missing) : IStringLocalizer<T>
{
    private readonly IStringLocalizer _inner = factory.Create(typeof(T));

    public LocalizedString this[string name] => Note(_inner[name]);

    public LocalizedString this[string name, params object[] arguments] => Note(_inner[name, arguments]);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => _inner.GetAllStrings(includeParentCultures);

    // Lookups by prefix (FindingTitle_x, Severity_x) may miss on purpose and fall back to the raw value; those are checked where used.
    private LocalizedString Note(LocalizedString value)
    {
        if (value.ResourceNotFound && !value.Name.StartsWith("FindingTitle_", StringComparison.Ordinal) && !value.Name.StartsWith("Severity_", StringComparison.Ordinal))
        {
            missing.Keys.Add(value.Name);
        }

        return value;
    }
}
