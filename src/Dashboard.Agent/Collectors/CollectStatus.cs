namespace Dashboard.Agent.Collectors;

public enum CollectStatus
{
    /// <summary>Something was read; it may come with problems worth logging.</summary>
    Data,

    /// <summary>The source does not exist on this host.</summary>
    NoData,

    /// <summary>The source exists but nothing usable came out of it this cycle.</summary>
    Failed,
}
