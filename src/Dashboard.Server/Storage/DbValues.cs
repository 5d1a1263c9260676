using System.Text;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Storage;

/// <summary>Conversions at the database edge.</summary>
public static class DbValues
{
    /// <summary>PostgreSQL has no unsigned 64-bit type; counters past 2^63 (never seen in practice) saturate.</summary>
    public static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    // The load generator's baselines write one of these per row: the encoder is kept per thread, not made each time.
    [ThreadStatic]
    private static StateCountsJson? t_json;

    /// <summary>The <c>by_state</c> object as text, for callers that need a string (psql's COPY text, a parameter).</summary>
    public static string JsonObject(StateCounts values) => Encoding.UTF8.GetString((t_json ??= new StateCountsJson()).Encode(values).Span);
}
