using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Server.Components.Shared;

/// <summary>
/// A table's sort kept in the URL's query as <c>column</c> (ascending) or <c>-column</c> (descending), so a sorted view can
/// be shared and bookmarked. The page keys its MudTable on <see cref="Query"/>: the URL is the only state, a header click
/// only navigates, and back and forward re-sort.
/// </summary>
public sealed record TableSort(string Column, SortDirection Direction)
{
    public static readonly TableSort None = new("", SortDirection.None);

    /// <summary>The URL's value when it names a known column, else the page's default.</summary>
    public static TableSort Parse(string? query, IReadOnlyCollection<string> columns, TableSort fallback)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return fallback;
        }

        var descending = query.StartsWith('-');
        var column = descending ? query[1..] : query;
        return columns.Contains(column) ? new TableSort(column, descending ? SortDirection.Descending : SortDirection.Ascending) : fallback;
    }

    /// <summary>What the URL says: null for no sort.</summary>
    public string? Query => Direction switch
    {
        SortDirection.Ascending => Column,
        SortDirection.Descending => "-" + Column,
        _ => null,
    };

    /// <summary>The header's initial direction: this column's, none for the others.</summary>
    public SortDirection For(string column) => column == Column ? Direction : SortDirection.None;

    /// <summary>
    /// A header changed direction: navigates to the URL with the new sort under <paramref name="name"/>. A header that lost the
    /// sort to another one (direction none, not the current column) changes nothing.
    /// </summary>
    public void Apply(NavigationManager navigation, string name, string column, SortDirection direction, TableSort fallback)
    {
        if (direction == SortDirection.None && column != Column)
        {
            return;
        }

        var next = direction == SortDirection.None ? fallback : new TableSort(column, direction);
        if (next == this)
        {
            return;
        }

        navigation.NavigateTo(navigation.GetUriWithQueryParameter(name, next == fallback ? null : next.Query));
    }
}
