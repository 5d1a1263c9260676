using Dashboard.Server.Api;
using Dashboard.Server.Components.Shared;
using Dashboard.Server.Live;
using Dashboard.Server.Model;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages;

public sealed partial class VipDetail
{
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
    [SupplyParameterFromQuery(Name = "sort")] public string? Sort { get; set; }
    [SupplyParameterFromQuery(Name = "psort")] public string? PortSortQuery { get; set; }

    private static readonly TableSort s_realServerDefault = new("ratio", SortDirection.Descending);
    private static readonly string[] s_realServerColumns = ["rs", "weight", "active", "inactive", "ratio"];
    private static readonly string[] s_portColumns = ["hypervisor", "drops"];

    /// <summary>Real servers: the known columns and the connection states this VIP reports, most SYN_RECV-heavy first unless the URL says otherwise.</summary>
    private TableSort RealServerSort => TableSort.Parse(Sort, [.. s_realServerColumns, .. Model?.States ?? []], s_realServerDefault);
    private TableSort PortSort => TableSort.Parse(PortSortQuery, s_portColumns, TableSort.None);

    private string CurrentRange => RangePicker.Normalize(Range);
    private VipDetailViewModel? Model { get; set; }
    private List<ChartLine> Chart { get; set; } = [];
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
            var live = Live.History(Director, Protocol ?? "TCP", Virtual);
            Chart = Lines(live.Select(p => (p.At, (double)p.SynRecv, (double)p.Connections)));
            ChartNote = Loc["ChartLive"];
            return;
        }

        var span = RangePicker.Span(CurrentRange);
        var to = DateTimeOffset.UtcNow;
        var series = await Series.VipSeriesAsync(Director, Protocol ?? "TCP", Virtual, to - span, to, CancellationToken.None);
        Chart = Lines(series.Points.Select(p => (new DateTimeOffset(DateTime.SpecifyKind(p.At, DateTimeKind.Utc)), p.SynRecv, p.Connections)));
        ChartNote = series.Resolution switch { "raw" => Loc["ChartRaw"], "1h" => Loc["ChartHourRollup"], _ => Loc["ChartRollup"] };
    }

    private List<ChartLine> Lines(IEnumerable<(DateTimeOffset At, double SynRecv, double Connections)> points)
    {
        var list = points.ToList();
        return
        [
            new ChartLine("SYN_RECV", list.Select(p => new ChartValue(p.At, p.SynRecv)).ToList()),
            new ChartLine(Loc["Connections"], list.Select(p => new ChartValue(p.At, p.Connections)).ToList()),
        ];
    }

    private void SortRealServers(string column, SortDirection direction) => RealServerSort.Apply(Navigation, "sort", column, direction, s_realServerDefault);

    private void SortPorts(string column, SortDirection direction) => PortSort.Apply(Navigation, "psort", column, direction, TableSort.None);

    private static string RowClass(Dashboard.Core.Ipvs.RealServerSample rs) =>
        rs.SynRecvRatio >= VipHealth.CriticalRatio && rs.SynRecv >= VipHealth.MinimumSynRecv ? "health-critical" : rs.Weight == 0 ? "health-warning" : "health-ok";

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _subscription?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}

