namespace Dashboard.Server.Storage;

/// <summary>The time-partitioned tables and how long each keeps its data.</summary>
public static class PartitionedTables
{
    public static readonly string[] Raw =
        ["ipvs_rs_samples", "ipvs_service_samples", "ipvs_synrecv_sources", "iptables_rule_samples", "nsx_filter_samples", "nsx_rule_samples"];

    public static readonly string[] Rollups = ["ipvs_rs_rollup_1m", "iptables_rule_rollup_1m", "nsx_filter_rollup_1m"];

    public static string PartitionName(string table, DateOnly day) => $"{table}_p{day:yyyyMMdd}";
}
