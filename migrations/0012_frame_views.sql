-- The tables of before as views over frames (and, for raw samples, the legacy rows still kept), so that psql sessions,
-- Grafana's PostgreSQL data source and scripts written against them keep working. Decoding in SQL is far slower than the
-- server's own reader: these are for people, not for the dashboard's pages.

create view ipvs_rs_samples as
select f.at as collected_at, f.host as director, d.protocol, d.virtual, d.destination, d.forward,
       v[array_position(l.columns, 'weight')][s.i]::integer as weight,
       v[array_position(l.columns, 'active')][s.i] as active_conn,
       v[array_position(l.columns, 'inactive')][s.i] as inact_conn,
       (select coalesce(sum(v[c][s.i]), 0) from generate_series(5, array_length(l.columns, 1)) c)::bigint as connections,
       coalesce(v[array_position(l.columns, 'SYN_RECV')][s.i], 0) as syn_recv,
       coalesce(v[array_position(l.columns, 'templates')][s.i], 0) as templates,
       coalesce((select jsonb_object_agg(l.columns[c], v[c][s.i]) from generate_series(5, array_length(l.columns, 1)) c
                 where v[c][s.i] is not null), '{}'::jsonb) as by_state
from frames_raw f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join ipvs_real_servers d on d.id = s.id
where f.kind = 1
union all
select collected_at, director, protocol, virtual, destination, forward, weight, active_conn, inact_conn, connections, syn_recv, templates, by_state
from legacy_ipvs_rs_samples;

create view ipvs_service_samples as
select f.at as collected_at, f.host as director, d.protocol, d.virtual, d.scheduler,
       v[array_position(l.columns, 'persistent')][s.i] as persistent,
       v[array_position(l.columns, 'conns')][s.i] as conns,
       v[array_position(l.columns, 'in_packets')][s.i] as in_packets,
       v[array_position(l.columns, 'out_packets')][s.i] as out_packets,
       v[array_position(l.columns, 'in_bytes')][s.i] as in_bytes,
       v[array_position(l.columns, 'out_bytes')][s.i] as out_bytes
from frames_raw f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_values(f.host, f.kind, f.at) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join ipvs_services d on d.id = s.id
where f.kind = 2
union all
select collected_at, director, protocol, virtual, scheduler, persistent, conns, in_packets, out_packets, in_bytes, out_bytes
from legacy_ipvs_service_samples;

create view iptables_rule_samples as
select f.at as collected_at, s.id as rule_id,
       v[array_position(l.columns, 'packets')][s.i] as packets,
       v[array_position(l.columns, 'bytes')][s.i] as bytes
from frames_raw f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_values(f.host, f.kind, f.at) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
where f.kind = 3
union all
select collected_at, rule_id, packets, bytes from legacy_iptables_rule_samples;

create view nsx_filter_samples as
select f.at as collected_at, c.filter_id, c.reason, v[1][s.i] as value
from frames_raw f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_values(f.host, f.kind, f.at) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join nsx_filter_counters c on c.id = s.id
where f.kind = 4
union all
select collected_at, filter_id, reason, value from legacy_nsx_filter_samples;

create view nsx_rule_samples as
select f.at as collected_at, f.host, r.rule_id,
       v[array_position(l.columns, 'packets')][s.i] as packets,
       v[array_position(l.columns, 'bytes')][s.i] as bytes,
       v[array_position(l.columns, 'hits')][s.i] as hits,
       v[array_position(l.columns, 'sessions')][s.i] as sessions
from frames_raw f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_values(f.host, f.kind, f.at) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join nsx_rules r on r.id = s.id
where f.kind = 5
union all
select collected_at, host, rule_id, packets, bytes, hits, sessions from legacy_nsx_rule_samples;

-- Rollups: one view per tier and kind; counters as their increase over the bucket.
create view ipvs_rs_rollup_1m as
select f.at as bucket, f.host as director, d.protocol, d.virtual, d.destination,
       v[1][s.i]::integer as samples,
       v[2][s.i]::float8 / nullif(v[1][s.i], 0) as connections_avg, v[3][s.i] as connections_max,
       v[4][s.i]::float8 / nullif(v[1][s.i], 0) as syn_recv_avg, v[5][s.i] as syn_recv_max
from frames_1m f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join ipvs_real_servers d on d.id = s.id
where f.kind = 1 and v[1][s.i] is not null;

create view ipvs_rs_rollup_1h as
select f.at as bucket, f.host as director, d.protocol, d.virtual, d.destination,
       v[1][s.i]::integer as samples,
       v[2][s.i]::float8 / nullif(v[1][s.i], 0) as connections_avg, v[3][s.i] as connections_max,
       v[4][s.i]::float8 / nullif(v[1][s.i], 0) as syn_recv_avg, v[5][s.i] as syn_recv_max
from frames_1h f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join ipvs_real_servers d on d.id = s.id
where f.kind = 1 and v[1][s.i] is not null;

create view iptables_rule_rollup_1m as
select f.at as bucket, s.id as rule_id, v[1][s.i] as packets_delta, v[2][s.i] as bytes_delta
from frames_1m f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
where f.kind = 3;

create view iptables_rule_rollup_1h as
select f.at as bucket, s.id as rule_id, v[1][s.i] as packets_delta, v[2][s.i] as bytes_delta
from frames_1h f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
where f.kind = 3;

create view nsx_filter_rollup_1m as
select f.at as bucket, c.filter_id, c.reason, v[1][s.i] as delta
from frames_1m f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join nsx_filter_counters c on c.id = s.id
where f.kind = 4;

create view nsx_filter_rollup_1h as
select f.at as bucket, c.filter_id, c.reason, v[1][s.i] as delta
from frames_1h f
join frame_layouts l on l.id = f.layout_id
cross join lateral (select frame_decode(f.payload) as v) decoded
cross join lateral unnest(l.series) with ordinality as s(id, i)
join nsx_filter_counters c on c.id = s.id
where f.kind = 4;
