namespace Dashboard.Server.Alerting;

/// <summary>An alert row to write and the row it replaces (null when new); a different state is a history event.</summary>
public sealed record AlertTransition(AlertRow Row, AlertRow? Before)
{
    // Rows that did not change state are rewritten only now and then: last_evaluated_at only has to be good to the staleness limit.
    private static readonly TimeSpan s_refreshEvery = TimeSpan.FromSeconds(15);

    public bool ChangesState => Before?.State != Row.State;

    public bool NeedsWrite => Before is null || ChangesState || Row.LastEvaluatedAt - Before.LastEvaluatedAt >= s_refreshEvery;
}
