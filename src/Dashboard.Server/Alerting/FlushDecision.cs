namespace Dashboard.Server.Alerting;

/// <summary>What a group does now: send (which alerts, as what), just remember a change, or go away.</summary>
public sealed record FlushDecision(
    bool Send,
    bool Repeat,
    string Status,
    IReadOnlyList<AlertRow> Firing,
    IReadOnlyList<AlertRow> Resolved,
    AlertGroupRow Group,
    bool GroupChanged,
    bool Delete)
{
    public static FlushDecision Nothing(AlertGroupRow group, bool delete) => new(false, false, AlertStates.Firing, [], [], group, false, delete);
}
