using System.Globalization;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MudBlazor.Services;

namespace Dashboard.Components.Tests.Infrastructure;

/// <summary>
/// A bUnit context set up as the app sets up its components: MudBlazor's services, the app's resources (through a
/// localizer that notes missing keys), the viewer's clock, loose JavaScript interop. Disposed asynchronously, since
/// MudBlazor's services are IAsyncDisposable only.
/// </summary>
public abstract class ComponentTest : IAsyncLifetime
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    // Pages wait on a real database and a real server under a parallel suite; a wait only lasts this long when it fails.
    static ComponentTest() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    protected ComponentTest()
    {
        UseCulture("en");
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        // A browser reports the size of a chart's box; MudBlazor draws the series once it knows it.
        Ctx.JSInterop.Setup<MudBlazor.Interop.ElementSize>("mudObserveElementSize", _ => true)
            .SetResult(new MudBlazor.Interop.ElementSize { Width = 700, Height = 350 });
        Ctx.JSInterop.Setup<MudBlazor.Interop.ElementSize>("mudGetSvgBBox", _ => true)
            .SetResult(new MudBlazor.Interop.ElementSize { Width = 40, Height = 20 });
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Ctx.Services.AddSingleton(Missing);
        Ctx.Services.AddTransient(typeof(IStringLocalizer<>), typeof(RecordingLocalizer<>));
        Ctx.Services.AddScoped<ViewerClock>();
        Ctx.Services.AddScoped<Dashboard.Server.Components.ViewerCulture>();
        Auth = Ctx.AddAuthorization();
    }

    protected BunitContext Ctx { get; } = new();

    protected BunitAuthorizationContext Auth { get; }

    protected MissingResources Missing { get; } = new();

    protected NavigationManager Navigation => Ctx.Services.GetRequiredService<NavigationManager>();

    /// <summary>Renders in a culture as a circuit does after the culture cookie: both the UI and formatting culture.</summary>
    protected static void UseCulture(string name) =>
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (new CultureInfo(name), new CultureInfo(name));

    /// <summary>Renders a page at a URL, so its query parameters come from the address as in the browser.</summary>
    protected IRenderedComponent<TPage> RenderAt<TPage>(string relativeUri) where TPage : IComponent
    {
        Navigation.NavigateTo(relativeUri);
        return Ctx.Render<TPage>();
    }

    /// <summary>Types into an input; a live update may re-render the page between finding the input and typing, so it is found again then.</summary>
    protected static void Type<T>(IRenderedComponent<T> page, string selector, string value) where T : IComponent
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                page.Find(selector).Change(value);
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 5)
            {
                // Re-rendered in between: find it again.
            }
        }
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Ctx.DisposeAsync();
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);
        Assert.True(Missing.Keys.IsEmpty, "resource keys missing: " + string.Join(", ", Missing.Keys.Distinct()));
    }
}
