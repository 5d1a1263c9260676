using Dashboard.Server.Alerting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages.Admin;

/// <summary>The rules in force, editable row by row; a saved row overrides the default and settings until reset.</summary>
public sealed partial class AlertRules
{
    private List<RuleEdit> _rules = [];
    private RuleEdit _new = new();
    private List<string> _errors = [];

    [Inject] public required AlertRuleCatalog Catalog { get; init; }
    [Inject] public required AlertOperations Operations { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() =>
        _rules = (await Catalog.GetAsync(CancellationToken.None)).Select(RuleEdit.From).ToList();

    private async Task SaveAsync(RuleEdit edit)
    {
        if (!edit.TryBuild(out var rule, out _errors))
        {
            _errors = _errors.Select(e => $"{edit.Name}: {e}").ToList();
            return;
        }

        var user = AuthenticationState is null ? "?" : (await AuthenticationState).User.Identity?.Name ?? "?";
        await Catalog.SaveAsync(rule!, user, Operations.Now, CancellationToken.None);
        Snackbar.Add($"{rule!.Name}: {Loc["Saved"]}", Severity.Success);
        await LoadAsync();
    }

    private async Task ResetAsync(string name)
    {
        await Catalog.ResetAsync(name, CancellationToken.None);
        Snackbar.Add($"{name}: {Loc["Reset"]}", Severity.Info);
        await LoadAsync();
    }

    private void Add()
    {
        _errors = [];
        if (_rules.Any(r => r.Name == _new.Name.Trim()))
        {
            _errors.Add($"{_new.Name}: {Loc["NameTaken"]}");
            return;
        }

        _rules.Add(new RuleEdit
        {
            Name = _new.Name.Trim(),
            Kind = _new.Kind,
            Scope = AlertRuleKinds.ScopeVip,
            Selector = AlertRuleKinds.SelectDropKind,
            Threshold = _new.Kind == AlertRuleKinds.SynRecvRatio ? 0.5 : 1,
            Source = AlertRuleSources.Ui,
        });
        _new = new RuleEdit();
    }

    private string SourceName(string source) => source switch
    {
        AlertRuleSources.Settings => Loc["SourceSettings"],
        AlertRuleSources.Ui => Loc["SourceUi"],
        _ => Loc["SourceDefault"],
    };
}
