namespace Dashboard.Server.Storage;

/// <summary>How long a tier keeps data, and what its partitions span.</summary>
public enum PartitionSpan
{
    Day,
    Month,
}

/// <summary>A time-partitioned table: its tier (0 raw, 1 minutes, 2 hours; the finest goes first past the size bound) and partition span.</summary>
public sealed record PartitionedTable(string Name, int Tier, PartitionSpan Span, bool InsertOnly, string? PartitionPrefix = null)
{
    /// <summary>Partitions are named PREFIX_pYYYYMMDD (days) or PREFIX_pYYYYMM (months); renamed legacy tables keep their old prefix.</summary>
    public string Prefix => PartitionPrefix ?? Name;

    public string PartitionName(DateOnly start) => Span == PartitionSpan.Day ? $"{Prefix}_p{start:yyyyMMdd}" : $"{Prefix}_p{start:yyyyMM}";

    public DateOnly Start(DateOnly day) => Span == PartitionSpan.Day ? day : new DateOnly(day.Year, day.Month, 1);

    public DateOnly Next(DateOnly start) => Span == PartitionSpan.Day ? start.AddDays(1) : start.AddMonths(1);
}

/// <summary>The time-partitioned tables and their tiers.</summary>
public static class PartitionedTables
{
    public static readonly PartitionedTable[] Current =
    [
        new("frames_raw", 0, PartitionSpan.Day, InsertOnly: true),
        new("ipvs_synrecv_sources", 0, PartitionSpan.Day, InsertOnly: true),
        new("frames_1m", 1, PartitionSpan.Day, InsertOnly: false),
        new("frames_1h", 2, PartitionSpan.Month, InsertOnly: false),
    ];

    /// <summary>Row-per-number sample tables of before migration 0011: read-only, dropped partition by partition as they age out.</summary>
    public static readonly PartitionedTable[] Legacy =
    [
        new("legacy_ipvs_rs_samples", 0, PartitionSpan.Day, true, "ipvs_rs_samples"),
        new("legacy_ipvs_service_samples", 0, PartitionSpan.Day, true, "ipvs_service_samples"),
        new("legacy_iptables_rule_samples", 0, PartitionSpan.Day, true, "iptables_rule_samples"),
        new("legacy_nsx_filter_samples", 0, PartitionSpan.Day, true, "nsx_filter_samples"),
        new("legacy_nsx_rule_samples", 0, PartitionSpan.Day, true, "nsx_rule_samples"),
    ];

    public static IEnumerable<PartitionedTable> All => Current.Concat(Legacy);
}
