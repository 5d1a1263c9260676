using System.Globalization;
using Dashboard.Server.Model;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Dashboard.Server.Components.Pages.Admin;

/// <summary>What each tier of stored data takes, how far back it reaches, and how many days it holds at the current rate.</summary>
public sealed partial class StoragePage
{
    private StorageStatus? _status;
    private string? _error;

    [Inject] public required StorageStatusReader Reader { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _status = await Reader.ReadAsync(CancellationToken.None);
        }
        catch (Exception e) when (DatabaseFaults.IsUnavailable(e))
        {
            _error = e.Message;
        }
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("N1", CultureInfo.CurrentCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("N1", CultureInfo.CurrentCulture) + " MiB",
        _ => (bytes / 1024.0).ToString("N0", CultureInfo.CurrentCulture) + " KiB",
    };

    private string Duration(TimeSpan keeps) => keeps.TotalHours < 72 ? Loc["Hours", (int)keeps.TotalHours] : Loc["Days", (int)keeps.TotalDays];
}
