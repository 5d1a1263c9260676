-- Counter rollups take each counter's value before a minute from the rollup of its last minute instead of re-reading
-- two minutes of raw samples: those rows are found by bucket.
create index iptables_rule_rollup_1m_bucket on iptables_rule_rollup_1m using brin (bucket) with (pages_per_range = 32);
create index nsx_filter_rollup_1m_bucket on nsx_filter_rollup_1m using brin (bucket) with (pages_per_range = 32);
