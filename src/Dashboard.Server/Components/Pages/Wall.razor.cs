using Dashboard.Core.Diagnosis;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Components.Pages;

public sealed partial class Wall
{
    private IDisposable? _liveSubscription;
    private IDisposable? _findingsSubscription;
    private PeriodicTimer? _rotation;
    private CancellationTokenSource? _rotationStop;

    [Inject] public required LiveStore Live { get; init; }
    [Inject] public required Diagnosis.DiagnosisService Diagnosis { get; init; }
    [Inject] public required IOptionsMonitor<DashboardOptions> Options { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    /// <summary>Pins the wall to one page of the rotation (1-based).</summary>
    [SupplyParameterFromQuery(Name = "page")]
    public int? PinnedPage { get; set; }

    [SupplyParameterFromQuery(Name = "rotate")]
    public int? RotateSeconds { get; set; }

    private WallViewModel Model { get; set; } = new() { Pages = [], DataAsOf = null };
    private int PageIndex { get; set; }
    private WallPageView? CurrentPage => Model.Pages.Count == 0 ? null : Model.Pages[Math.Clamp(PageIndex, 0, Model.Pages.Count - 1)];
    private IReadOnlyList<TrackedFinding> Findings => Diagnosis.Open;

    protected override void OnInitialized()
    {
        Refresh();
        // The wall is watched from across the room: a calmer refresh than the desk pages is plenty.
        _liveSubscription = Live.Subscribe(() => InvokeAsync(() => { Refresh(); StateHasChanged(); }), TimeSpan.FromSeconds(1));
        _findingsSubscription = Diagnosis.Subscribe(() => InvokeAsync(StateHasChanged), TimeSpan.FromSeconds(1));
        Clock.Changed += OnClockChanged;
        if (PinnedPage is { } pinned)
        {
            PageIndex = pinned - 1;
        }
        else
        {
            _ = RotateAsync();
        }
    }

    private void Refresh() => Model = WallViewModel.From(Live, Options.CurrentValue.Wall);

    private async Task RotateAsync()
    {
        _rotationStop = new CancellationTokenSource();
        _rotation = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(3, RotateSeconds ?? Options.CurrentValue.Wall.RotateSeconds)));
        try
        {
            while (await _rotation.WaitForNextTickAsync(_rotationStop.Token))
            {
                await InvokeAsync(() =>
                {
                    PageIndex = Model.Pages.Count == 0 ? 0 : (PageIndex + 1) % Model.Pages.Count;
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The wall was closed.
        }
    }

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _liveSubscription?.Dispose();
        _findingsSubscription?.Dispose();
        _rotationStop?.Cancel();
        _rotation?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}
