-- Rule and filter samples are read by instant (a committed batch read back by another instance, a minute for a rollup),
-- never one rule over time. Keyed by rule first, each of a fleet's 100,000+ rules was inserted at its own place in the
-- index, so after every checkpoint each of those pages went to WAL whole; keyed by time first, a push's rows go in side
-- by side at the end of the index.
drop index iptables_rule_samples_series;
create index iptables_rule_samples_instant on iptables_rule_samples (collected_at, rule_id);

drop index nsx_filter_samples_series;
create index nsx_filter_samples_instant on nsx_filter_samples (collected_at, filter_id);
