using Dashboard.Server.Components.Shared;
using Dashboard.Server.Live;
using Dashboard.Server.Model;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages;

/// <summary>One hypervisor: its findings, drop rates over time, ports, dropping rules and NSX filters; filter, range and each table's sort in the URL.</summary>
public sealed partial class HypervisorDetail
{
    /// <summary>Live charts are read from the database: no more often than this per open page.</summary>
    private static readonly TimeSpan s_liveChartInterval = TimeSpan.FromSeconds(5);

    private IDisposable? _subscription;
    private DateTimeOffset _chartLoadedAt;
    private string? _chartError;

    [Inject] public required LiveStore Live { get; init; }
    [Inject] public required Diagnosis.DiagnosisService Diagnosis { get; init; }
    [Inject] public required DropSeriesRepository Drops { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [SupplyParameterFromQuery(Name = "name")] public string? Name { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Filter { get; set; }
    [SupplyParameterFromQuery(Name = "range")] public string? Range { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? Sort { get; set; }
    [SupplyParameterFromQuery(Name = "rsort")] public string? RuleSortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "fsort")] public string? FilterSortQuery { get; set; }

    private static readonly TableSort s_portDefault = new("drops", SortDirection.Descending);
    private static readonly TableSort s_ruleDefault = new("drops", SortDirection.Descending);
    private static readonly TableSort s_filterDefault = new("mismatch", SortDirection.Descending);

    private TableSort PortSort => TableSort.Parse(Sort, ["port", "device", "drops"], s_portDefault);
    private TableSort RuleSort => TableSort.Parse(RuleSortQuery, ["chain", "kind", "drops", "total"], s_ruleDefault);
    private TableSort FilterSort => TableSort.Parse(FilterSortQuery, ["vm", "filter", "mismatch"], s_filterDefault);

    private HostSnapshot? Host { get; set; }
    private HypervisorDetailViewModel Model { get; set; } = null!;
    private DropChartsViewModel Charts { get; set; } = DropChartsViewModel.Empty;
    private string CurrentRange => RangePicker.Normalize(Range);
    private string ChartNote => CurrentRange == "live" || Charts.Resolution == "raw" ? Loc["ChartRawRates"]
        : Charts.Resolution == "1h" ? Loc["ChartHourRollupRates"] : Loc["ChartRollupRates"];

    private IReadOnlyList<PortRow> Ports => Model.Ports;
    private IReadOnlyList<RuleLive> DropRules => Model.DropRules;
    private IReadOnlyList<NsxFilterLive> NsxFilters => Model.NsxFilters;

    protected override void OnInitialized()
    {
        _subscription = Live.Subscribe(() => InvokeAsync(async () =>
        {
            Build();
            if (CurrentRange == "live" && DateTimeOffset.UtcNow - _chartLoadedAt >= s_liveChartInterval)
            {
                await LoadChartsAsync();
            }

            StateHasChanged();
        }));
        Clock.Changed += OnClockChanged;
    }

    protected override async Task OnParametersSetAsync()
    {
        Build();
        await LoadChartsAsync();
    }

    private void Build()
    {
        Host = Name is null ? null : Live.Host(Name);
        Model = Host is null ? new HypervisorDetailViewModel { Ports = [], DropRules = [], NsxFilters = [] } : HypervisorDetailViewModel.From(Host, Filter);
    }

    private async Task LoadChartsAsync()
    {
        if (Host is null)
        {
            return;
        }

        _chartLoadedAt = DateTimeOffset.UtcNow;
        try
        {
            var series = await Drops.HostDropsAsync(Host.Name, _chartLoadedAt - RangePicker.Span(CurrentRange), _chartLoadedAt, CancellationToken.None, top: 50);
            Charts = DropChartsViewModel.From(series);
            _chartError = null;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // The tables stay usable from live data when the history cannot be read.
            _chartError = e.Message;
        }
    }

    private void SetFilter(string? value) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", string.IsNullOrWhiteSpace(value) ? null : value.Trim()));

    private void SortPorts(string column, SortDirection direction) => PortSort.Apply(Navigation, "sort", column, direction, s_portDefault);

    private void SortRules(string column, SortDirection direction) => RuleSort.Apply(Navigation, "rsort", column, direction, s_ruleDefault);

    private void SortFilters(string column, SortDirection direction) => FilterSort.Apply(Navigation, "fsort", column, direction, s_filterDefault);

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _subscription?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}
