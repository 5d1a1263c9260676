-- Rule and filter rollups are read by minute (a minute's carry for the next one), never one rule over days. Keyed rule first,
-- every minute's 100,000+ rows went to as many places in the day's index: hours into a day each minute rewrote most of
-- its pages, and after a checkpoint sent them to WAL whole. Keyed minute first, a minute's rows go in together at the end,
-- and the key serves the minute ranges the block-range indexes were added for.
alter table iptables_rule_rollup_1m drop constraint iptables_rule_rollup_1m_pkey;
alter table iptables_rule_rollup_1m add primary key (bucket, rule_id);
drop index iptables_rule_rollup_1m_bucket;

alter table nsx_filter_rollup_1m drop constraint nsx_filter_rollup_1m_pkey;
alter table nsx_filter_rollup_1m add primary key (bucket, filter_id, reason);
drop index nsx_filter_rollup_1m_bucket;
