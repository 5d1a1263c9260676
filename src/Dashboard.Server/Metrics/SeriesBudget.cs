namespace Dashboard.Server.Metrics;

/// <summary>How many series of the live families one page may still hold; what does not fit is counted, not written.</summary>
public sealed class SeriesBudget(int max)
{
    public int Used { get; private set; }

    public int Dropped { get; private set; }

    /// <summary>Takes room for one whole entity (a real server, a rule, a filter) or none of it.</summary>
    public bool TryTake(int series)
    {
        if (Used + series > max)
        {
            Dropped += series;
            return false;
        }

        Used += series;
        return true;
    }
}
