using Dashboard.Server.Api;
using Dashboard.Server.Live;
using Dashboard.Server.Model;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Dashboard.Server.Components.Pages;

public sealed partial class VipDetail
{
    private static readonly string[] s_ranges = ["live", "1h", "24h", "7d"];
    private IDisposable? _subscription;

    [Inject] public required LiveStore Live { get; init; }
    [Inject] public required Diagnosis.DiagnosisService Diagnosis { get; init; }
    [Inject] public required SeriesRepository Series { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [SupplyParameterFromQuery(Name = "director")] public string? Director { get; set; }
    [SupplyParameterFromQuery(Name = "protocol")] public string? Protocol { get; set; }
    [SupplyParameterFromQuery(Name = "virtual")] public string? Virtual { get; set; }
    [SupplyParameterFromQuery(Name = "range")] public string? Range { get; set; }

    private static IReadOnlyList<string> Ranges => s_ranges;
    private string CurrentRange => s_ranges.Contains(Range) ? Range! : "live";
    private VipDetailViewModel? Model { get; set; }
    private List<ChartPoint> Chart { get; set; } = [];
    private string ChartNote { get; set; } = "";

    private List<FindingView> VipFindings => Diagnosis.Open
        .Where(f => f.Latest.Director == Director && (f.Latest.Vip is null || f.Latest.Vip == Virtual))
        .Select(FindingView.From).ToList();

    protected override void OnInitialized()
    {
        _subscription = Live.Subscribe(() => InvokeAsync(async () =>
        {
            Model = Build();
            if (CurrentRange == "live")
            {
                await LoadChartAsync();
            }

            StateHasChanged();
        }));
        Clock.Changed += OnClockChanged;
    }

    protected override async Task OnParametersSetAsync()
    {
        Model = Build();
        await LoadChartAsync();
    }

    private VipDetailViewModel? Build() =>
        Director is null || Virtual is null ? null : VipDetailViewModel.From(Live, Director, Protocol ?? "TCP", Virtual);

    private async Task LoadChartAsync()
    {
        if (Director is null || Virtual is null)
        {
            return;
        }

        if (CurrentRange == "live")
        {
            Chart = Live.History(Director, Protocol ?? "TCP", Virtual)
                .Select(p => new ChartPoint(Clock.ToLocal(p.At).DateTime, p.SynRecv, p.Connections)).ToList();
            ChartNote = Loc["ChartLive"];
            return;
        }

        var span = CurrentRange switch { "1h" => TimeSpan.FromHours(1), "24h" => TimeSpan.FromDays(1), _ => TimeSpan.FromDays(7) };
        var to = DateTimeOffset.UtcNow;
        var series = await Series.VipSeriesAsync(Director, Protocol ?? "TCP", Virtual, to - span, to, CancellationToken.None);
        Chart = series.Points.Select(p => new ChartPoint(Clock.ToLocal(new DateTimeOffset(DateTime.SpecifyKind(p.At, DateTimeKind.Utc))).DateTime, p.SynRecv, p.Connections)).ToList();
        ChartNote = series.Resolution == "raw" ? Loc["ChartRaw"] : Loc["ChartRollup"];
    }

    private string RangeLink(string range) => Navigation.GetUriWithQueryParameter("range", range == "live" ? null : range);

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _subscription?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}

public sealed record ChartPoint(DateTime At, double SynRecv, double Connections);
