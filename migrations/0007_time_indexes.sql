-- Rollup passes read one minute of a day's partition: without an index on time they scanned the whole day so far.
-- Samples arrive in time order, so a block-range index finds a minute's rows at a fraction of a b-tree's upkeep.
create index ipvs_rs_samples_time on ipvs_rs_samples using brin (collected_at) with (pages_per_range = 32);
create index iptables_rule_samples_time on iptables_rule_samples using brin (collected_at) with (pages_per_range = 32);
create index nsx_filter_samples_time on nsx_filter_samples using brin (collected_at) with (pages_per_range = 32);

-- A minute rolled again is replaced whole: its rows are found by bucket.
create index ipvs_rs_rollup_1m_bucket on ipvs_rs_rollup_1m using brin (bucket) with (pages_per_range = 32);
