using Dashboard.Server.Components.Shared;
using Dashboard.Server.Live;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages;

public sealed partial class Home
{
    private IDisposable? _subscription;
    private IDisposable? _findingsSubscription;

    [Inject] public required LiveStore Live { get; init; }
    [Inject] public required Diagnosis.DiagnosisService Diagnosis { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    private static readonly string[] s_vipColumns = ["vip", "up", "active", "inactive", "connections", "synrecv", "ratio"];
    private static readonly string[] s_hypervisorColumns = ["host", "ports", "drops"];

    [SupplyParameterFromQuery(Name = "q")]
    public string? Filter { get; set; }

    /// <summary>The VIP tables' sort (every director's table alike).</summary>
    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    [SupplyParameterFromQuery(Name = "hsort")]
    public string? HypervisorSortQuery { get; set; }

    private TableSort VipSort => TableSort.Parse(Sort, s_vipColumns, TableSort.None);
    private TableSort HypervisorSort => TableSort.Parse(HypervisorSortQuery, s_hypervisorColumns, TableSort.None);

    private OverviewViewModel Model { get; set; } = OverviewViewModel.Empty;

    private List<Api.FindingView> Findings => Diagnosis.Open.Select(Api.FindingView.From).ToList();

    protected override void OnInitialized()
    {
        Model = OverviewViewModel.From(Live, Filter);
        _subscription = Live.Subscribe(() => InvokeAsync(Refresh));
        _findingsSubscription = Diagnosis.Subscribe(() => InvokeAsync(StateHasChanged));
        Clock.Changed += OnClockChanged;
    }

    protected override void OnParametersSet() => Model = OverviewViewModel.From(Live, Filter);

    private void Refresh()
    {
        Model = OverviewViewModel.From(Live, Filter);
        StateHasChanged();
    }

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    private void SetFilter(string? value) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", string.IsNullOrWhiteSpace(value) ? null : value.Trim()));

    private void SortVips(string column, SortDirection direction) => VipSort.Apply(Navigation, "sort", column, direction, TableSort.None);

    private void SortHypervisors(string column, SortDirection direction) => HypervisorSort.Apply(Navigation, "hsort", column, direction, TableSort.None);

    private static string VipLink(VipRow row) =>
        $"vip?director={Uri.EscapeDataString(row.Director)}&protocol={row.Vip.Protocol}&virtual={Uri.EscapeDataString(row.Vip.Virtual)}";

    public void Dispose()
    {
        _subscription?.Dispose();
        _findingsSubscription?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}
