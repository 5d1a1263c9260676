using Dashboard.Server.Api;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Dashboard.Server.Components.Pages;

/// <summary>Open findings grouped by the place they are about, and resolved ones on demand; kind and history in the URL.</summary>
public sealed partial class Findings : IDisposable
{
    private IDisposable? _subscription;
    private List<FindingView> _active = [];
    private List<FindingIncident> _incidents = [];
    private List<FindingView> _history = [];
    private string? _error;

    [Inject] public required DiagnosisService Diagnosis { get; init; }
    [Inject] public required FindingRepository Repository { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [SupplyParameterFromQuery(Name = "kind")] public string? Kind { get; set; }
    [SupplyParameterFromQuery(Name = "director")] public string? Director { get; set; }
    [SupplyParameterFromQuery(Name = "history")] public bool ShowHistory { get; set; }

    private IReadOnlyList<(string, string)> KindOptions =>
        [("", Loc["All"]), .. Dashboard.Core.Diagnosis.FindingKinds.All.Select(k => (k, FindingText.Title(k, Loc)))];

    private IReadOnlyList<(string, string)> HistoryOptions => [("", Loc["OpenOnly"]), ("true", Loc["IncludeResolved"])];

    protected override void OnInitialized() =>
        _subscription = Diagnosis.Subscribe(() => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _active = Diagnosis.Open.Select(FindingView.From)
            .Where(f => (string.IsNullOrEmpty(Kind) || f.Kind == Kind) && (string.IsNullOrEmpty(Director) || f.Director == Director)).ToList();
        _incidents = FindingIncident.Group(_active);
        try
        {
            _history = ShowHistory
                ? (await Repository.ListAsync(false, string.IsNullOrEmpty(Kind) ? null : Kind, string.IsNullOrEmpty(Director) ? null : Director, 200, CancellationToken.None))
                    .Where(f => f.ResolvedAt is not null).Select(FindingView.From).ToList()
                : [];
            _error = null;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            _history = [];
            _error = $"{Loc["HistoryFailed"]} {e.Message}";
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
