namespace Dashboard.Server.Storage.Frames;

/// <summary>
/// One frame's numbers, whole (counters as counted, not as differences): a value per field and series, in layout order.
/// <see cref="Values"/>[field][series]; null where the input had no value.
/// </summary>
public sealed record FrameData(FrameKind Kind, IReadOnlyList<string> Fields, IReadOnlyList<long> Series, long?[][] Values)
{
    public int FieldIndex(string field)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i] == field)
            {
                return i;
            }
        }

        return -1;
    }
}
