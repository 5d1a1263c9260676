using Dashboard.Server.Alerting;
using Dashboard.Server.Alerting.Rules;
using Dashboard.Server.Components.Dialogs;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages;

/// <summary>Alerts grouped by incident (the cause on top, its symptoms folded under it), filtered and sorted by the URL; operators acknowledge and silence here.</summary>
public sealed partial class Alerts : IDisposable
{
    private IDisposable? _subscription;
    private List<AlertView> _alerts = [];
    private List<AlertIncident> _incidents = [];
    private List<AlertEventRow> _history = [];
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private long? _expanded;
    private bool _loaded;

    [Inject] public required AlertOperations Operations { get; init; }
    [Inject] public required AlertEngine Engine { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "state")] public string? State { get; set; }
    [SupplyParameterFromQuery(Name = "severity")] public string? Severity { get; set; }
    [SupplyParameterFromQuery(Name = "director")] public string? Director { get; set; }
    [SupplyParameterFromQuery(Name = "fingerprint")] public string? Fingerprint { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? Sort { get; set; }

    private string StateFilter => State is "firing" or "pending" or "resolved" or "all" ? State : "active";
    private string SortOrder => Sort == "since" ? "since" : "severity";

    private IReadOnlyList<(string, string)> StateOptions =>
    [
        ("active", Loc["StateActive"]), ("firing", Loc["StateFiring"]), ("pending", Loc["StatePending"]), ("resolved", Loc["StateResolved"]), ("all", Loc["All"]),
    ];

    private IReadOnlyList<(string, string)> SeverityOptions => [("", Loc["All"]), .. AlertSeverities.All.Select(s => (s, SeverityName(s)))];

    private IReadOnlyList<(string, string)> SortOptions => [("severity", Loc["SortSeverity"]), ("since", Loc["SortSince"])];

    protected override void OnInitialized()
    {
        _subscription = Engine.Subscribe(() => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
        Clock.Changed += OnClockChanged;
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var state = StateFilter;
        var query = new AlertQuery(
            state is "active" or "all" ? null : state,
            state == "active" && Fingerprint is null,
            AlertSeverities.All.Contains(Severity) ? Severity : null,
            string.IsNullOrWhiteSpace(Director) ? null : Director.Trim(),
            string.IsNullOrWhiteSpace(Fingerprint) ? null : Fingerprint,
            300);
        _alerts = await Operations.ListAsync(query, CancellationToken.None);
        _incidents = AlertIncident.Group(_alerts, SortOrder);
        _loaded = true;
    }

    private void ToggleIncident(AlertIncident incident)
    {
        if (!_open.Add(incident.Cause.Fingerprint))
        {
            _open.Remove(incident.Cause.Fingerprint);
        }
    }

    private async Task ToggleAsync(AlertView alert)
    {
        _expanded = _expanded == alert.Id ? null : alert.Id;
        _history = _expanded is { } id ? await Operations.HistoryAsync(id, CancellationToken.None) : [];
    }

    private async Task AcknowledgeAsync(AlertView alert)
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        if (user?.IsInRole(Security.KnownRoles.Operator) != true && user?.IsInRole(Security.KnownRoles.Admin) != true)
        {
            return;
        }

        var dialog = await Dialogs.ShowAsync<AcknowledgeDialog>(Loc["Acknowledge"],
            new DialogParameters<AcknowledgeDialog> { { d => d.AlertName, alert.Rule } }, new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string comment })
        {
            return;
        }

        var done = await Operations.AcknowledgeAsync(alert.Fingerprint, user.Identity?.Name ?? "?", comment.Length == 0 ? null : comment, CancellationToken.None);
        if (done)
        {
            Snackbar.Add(Loc["Acknowledged"] + ": " + alert.Rule, MudBlazor.Severity.Success);
        }
        else
        {
            Snackbar.Add(Loc["AlertNotActive"], MudBlazor.Severity.Warning);
        }

        await LoadAsync();
    }

    private string SilenceLink(AlertView alert) => $"silences?matchers={Uri.EscapeDataString(Operations.SuggestMatchers(alert))}";

    private string StateName(string state) => state switch
    {
        AlertStates.Firing => Loc["StateFiring"],
        AlertStates.Pending => Loc["StatePending"],
        _ => Loc["StateResolved"],
    };

    /// <summary>A history entry's change: a state, or an acknowledgement.</summary>
    private string ChangeName(string change) => change switch
    {
        AlertStates.Firing or AlertStates.Pending or AlertStates.Resolved => StateName(change),
        "acknowledged" => Loc["Acknowledged"],
        _ => change,
    };

    /// <summary>The evidence lines, in the viewer's language.</summary>
    private IReadOnlyList<string> Description(AlertView alert) =>
        FindingText.Description(alert.Annotations.GetValueOrDefault(AlertAnnotations.Description) ?? "", Loc);

    private string? Remediation(AlertView alert) => alert.Annotations.GetValueOrDefault(AlertAnnotations.Remediation) is { } stored
        ? FindingText.AlertRemediation(alert.Labels.GetValueOrDefault(AlertLabels.Finding), alert.Labels.GetValueOrDefault(AlertLabels.Port), stored, Loc)
        : null;

    private string SeverityName(string severity) => Loc["Severity_" + severity] is { ResourceNotFound: false } name ? name.Value : severity;

    /// <summary>An alert a finding fired says what the finding says, in the viewer's language.</summary>
    private string Summary(AlertView alert) =>
        alert.Annotations.GetValueOrDefault(AlertAnnotations.Summary) is { } summary ? FindingText.Sentence(summary, Loc) : "";

    private static string Where(AlertView alert) => string.Join(" · ", new[]
        {
            AlertLabels.Director, AlertLabels.Vip, AlertLabels.RealServer, AlertLabels.Hypervisor, AlertLabels.Port,
        }
        .Select(alert.Labels.GetValueOrDefault)
        .OfType<string>());

    private static string RowClass(AlertView alert) => alert.State switch
    {
        AlertStates.Firing when alert.Severity == AlertSeverities.Critical => "health-critical",
        AlertStates.Firing => "health-warning",
        AlertStates.Pending => "health-warning",
        _ => "health-ok",
    };

    private void Navigate(string key, string? value) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(key, string.IsNullOrWhiteSpace(value) ? null : value.Trim()));

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _subscription?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}
