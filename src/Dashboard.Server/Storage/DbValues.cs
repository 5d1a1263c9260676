namespace Dashboard.Server.Storage;

/// <summary>Conversions at the database edge.</summary>
public static class DbValues
{
    /// <summary>PostgreSQL has no unsigned 64-bit type; counters past 2^63 (never seen in practice) saturate.</summary>
    public static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;
}
