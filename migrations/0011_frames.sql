-- Samples and rollups as frames: one row per host, kind of data and instant (or rollup bucket) holding a column of values
-- per field, one value per series of the frame's layout. A row per number cost 44 bytes a number on disk; a frame's varints
-- cost one or two, and TOAST compression folds what repeats. The encoding is described once, in FrameCodec.cs, and decoded
-- here by frame_decode for psql and Grafana; the views at the end present frames as the rows the tables used to hold.

-- Series: what a frame's layout lists, in the order of its values.
create table ipvs_real_servers (
    id          bigint generated always as identity primary key,
    director    text not null,
    protocol    text not null,
    virtual     text not null,
    destination text not null,
    forward     text,
    first_seen  timestamptz not null,
    last_seen   timestamptz not null,
    unique (director, protocol, virtual, destination)
);

create table ipvs_services (
    id         bigint generated always as identity primary key,
    director   text not null,
    protocol   text not null,
    virtual    text not null,
    scheduler  text,
    first_seen timestamptz not null,
    last_seen  timestamptz not null,
    unique (director, protocol, virtual)
);

create table nsx_filter_counters (
    id        bigint generated always as identity primary key,
    filter_id bigint not null references nsx_filters (id),
    reason    text not null,
    unique (filter_id, reason)
);

create table nsx_rules (
    id      bigint generated always as identity primary key,
    host    text not null,
    rule_id text not null,
    unique (host, rule_id)
);

-- Kinds: 1 IPVS real servers, 2 IPVS services, 3 iptables rules, 4 NSX filter counters, 5 NSX rules.
-- The same layout serves every frame with the same series and fields: it is written once and found by its digest.
create table frame_layouts (
    id      bigint generated always as identity primary key,
    kind    smallint not null,
    columns text[] not null,
    series  bigint[] not null,
    digest  bytea not null unique
);

-- Every push: counters of a frame with prev_at hold differences from the frame of the same host and kind at prev_at.
create table frames_raw (
    at        timestamptz not null,
    host      text not null,
    kind      smallint not null,
    layout_id bigint not null,
    prev_at   timestamptz,
    payload   bytea not null
) partition by range (at);
create index frames_raw_host on frames_raw (host, kind, at);

-- One-minute and one-hour rollups: per real server samples, sums and maxima of connections and SYN_RECV; per counter its
-- increase over the bucket (resets counted as CounterMath counts them).
create table frames_1m (
    at        timestamptz not null,
    host      text not null,
    kind      smallint not null,
    layout_id bigint not null,
    payload   bytea not null,
    primary key (host, kind, at)
) partition by range (at);

create table frames_1h (like frames_1m including defaults) partition by range (at);
alter table frames_1h add primary key (host, kind, at);

do $$
begin
    -- lz4 where the server was built with it: faster than pglz at a similar ratio on varints.
    alter table frames_raw alter column payload set compression lz4;
    alter table frames_1m alter column payload set compression lz4;
    alter table frames_1h alter column payload set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
    raise notice 'lz4 is not available: frames use the default TOAST compression';
end $$;

-- The row-per-number sample tables stay readable until retention drops their partitions; the rollups of before are carried
-- into one-minute frames below.
alter table ipvs_rs_samples rename to legacy_ipvs_rs_samples;
alter table ipvs_service_samples rename to legacy_ipvs_service_samples;
alter table iptables_rule_samples rename to legacy_iptables_rule_samples;
alter table nsx_filter_samples rename to legacy_nsx_filter_samples;
alter table nsx_rule_samples rename to legacy_nsx_rule_samples;
alter table ipvs_rs_rollup_1m rename to legacy_ipvs_rs_rollup_1m;
alter table iptables_rule_rollup_1m rename to legacy_iptables_rule_rollup_1m;
alter table nsx_filter_rollup_1m rename to legacy_nsx_filter_rollup_1m;

-- A frame's varint at a position: (value as numeric, next position). Numeric because the unsigned form needs 64 bits.
create function frame_varint(payload bytea, pos integer, out value numeric, out next integer)
language plpgsql immutable strict parallel safe as $$
declare
    b integer;
    shift integer := 0;
begin
    value := 0;
    loop
        if pos >= length(payload) then
            raise exception 'frame varint truncated at byte %', pos;
        end if;
        b := get_byte(payload, pos);
        pos := pos + 1;
        value := value + (b & 127)::numeric * (2::numeric ^ shift);
        exit when b < 128;
        shift := shift + 7;
        if shift > 63 then
            raise exception 'frame varint ending at byte % exceeds 64 bits', pos - 1;
        end if;
    end loop;
    next := pos;
end $$;

-- Every column of a frame as a two-dimensional array [column][series]; absent values are null.
create function frame_decode(payload bytea) returns bigint[]
language plpgsql immutable strict parallel safe as $$
declare
    pos integer := 1;
    series integer;
    columns integer;
    v numeric;
    zigzag numeric;
    result bigint[];
    row_values bigint[];
begin
    if length(payload) = 0 or get_byte(payload, 0) <> 1 then
        raise exception 'not a frame of format 1';
    end if;
    select value, next into v, pos from frame_varint(payload, pos);
    series := v;
    select value, next into v, pos from frame_varint(payload, pos);
    columns := v;
    for c in 1 .. columns loop
        -- column lengths: the values follow one another, so they are only skipped here
        select value, next into v, pos from frame_varint(payload, pos);
    end loop;
    result := array_fill(null::bigint, array[greatest(columns, 1), greatest(series, 1)]);
    for c in 1 .. columns loop
        for s in 1 .. series loop
            select value, next into v, pos from frame_varint(payload, pos);
            if v > 0 then
                zigzag := v - 1;
                result[c][s] := case when mod(zigzag, 2) = 0 then div(zigzag, 2)::bigint else (-div(zigzag + 1, 2))::bigint end;
            end if;
        end loop;
    end loop;
    if pos <> length(payload) then
        raise exception 'frame has % bytes after its last value', length(payload) - pos;
    end if;
    return result;
end $$;

-- A frame's values with the differences of linked frames added up from the frame they start from.
create function frame_values(frame_host text, frame_kind smallint, frame_at timestamptz) returns bigint[]
language plpgsql stable strict as $$
declare
    f record;
    own bigint[];
    previous bigint[];
    counters text[];
    l record;
begin
    select * into f from frames_raw where host = frame_host and kind = frame_kind and at = frame_at limit 1;
    if not found then
        return null;
    end if;
    own := frame_decode(f.payload);
    if f.prev_at is null then
        return own;
    end if;
    previous := frame_values(frame_host, frame_kind, f.prev_at);
    select columns into l from frame_layouts where id = f.layout_id;
    for c in 1 .. array_length(l.columns, 1) loop
        -- gauges (IPVS states, weights, persistence) are stored whole; counters as differences
        if l.columns[c] not in ('weight', 'active', 'inactive', 'templates', 'persistent') and frame_kind <> 1 then
            for s in 1 .. array_length(own, 2) loop
                if own[c][s] is not null and previous[c][s] is not null then
                    own[c][s] := own[c][s] + previous[c][s];
                end if;
            end loop;
        end if;
    end loop;
    return own;
end $$;

-- The rollup rows of before, from the legacy tables, become one-minute frames.
insert into ipvs_real_servers (director, protocol, virtual, destination, first_seen, last_seen)
select director, protocol, virtual, destination, min(bucket), max(bucket)
from legacy_ipvs_rs_rollup_1m group by 1, 2, 3, 4
on conflict do nothing;

insert into nsx_filter_counters (filter_id, reason)
select distinct filter_id, reason from legacy_nsx_filter_rollup_1m
where filter_id in (select id from nsx_filters)
on conflict do nothing;

-- Encodes a two-dimensional array [column][series] as FrameCodec does (used to carry legacy rollups over).
create function frame_encode(columns bigint[]) returns bytea
language plpgsql immutable strict parallel safe as $$
declare
    ncols integer := coalesce(array_length(columns, 1), 0);
    nseries integer := coalesce(array_length(columns, 2), 0);
    bodies bytea[] := '{}';
    body bytea;
    header bytea;
    u numeric;
    v bigint;
begin
    for c in 1 .. ncols loop
        body := '\x'::bytea;
        for s in 1 .. nseries loop
            v := columns[c][s];
            u := case when v is null then 0 when v >= 0 then 2::numeric * v + 1 else -2::numeric * v end;
            body := body || frame_varint_bytes(u);
        end loop;
        bodies := bodies || body;
    end loop;
    header := '\x01'::bytea || frame_varint_bytes(nseries) || frame_varint_bytes(ncols);
    for c in 1 .. ncols loop
        header := header || frame_varint_bytes(length(bodies[c]));
    end loop;
    for c in 1 .. ncols loop
        header := header || bodies[c];
    end loop;
    return header;
end $$;

create function frame_varint_bytes(u numeric) returns bytea
language plpgsql immutable strict parallel safe as $$
declare
    result bytea := '\x'::bytea;
    b integer;
begin
    loop
        b := mod(u, 128)::integer;
        -- div, not /: numeric division rounds to its display scale, and 2^64 − 2 divided by 128 would round up.
        u := div(u, 128);
        if u > 0 then
            result := result || set_byte('\x00'::bytea, 0, b + 128);
        else
            result := result || set_byte('\x00'::bytea, 0, b);
            return result;
        end if;
    end loop;
end $$;

create function frame_layout_digest(kind smallint, columns text[], series bigint[]) returns bytea
language sql immutable strict parallel safe as $$
    select sha256(convert_to(kind::text || ':' || array_to_string(columns, ',') || ':' || array_to_string(series, ','), 'UTF8'))
$$;

create temporary table legacy_rs_minutes on commit drop as
select r.director as host, r.bucket as at,
       array_agg(s.id order by s.id) as series,
       array[array_agg(r.samples::bigint order by s.id),
             array_agg(round(r.connections_avg * r.samples)::bigint order by s.id),
             array_agg(r.connections_max order by s.id),
             array_agg(round(r.syn_recv_avg * r.samples)::bigint order by s.id),
             array_agg(r.syn_recv_max order by s.id)] as columns
from legacy_ipvs_rs_rollup_1m r
join ipvs_real_servers s using (director, protocol, virtual, destination)
group by r.director, r.bucket;

create temporary table legacy_rule_minutes on commit drop as
select r.host, o.bucket as at,
       array_agg(o.rule_id order by o.rule_id) as series,
       array[array_agg(o.packets_delta order by o.rule_id), array_agg(o.bytes_delta order by o.rule_id)] as columns
from legacy_iptables_rule_rollup_1m o join iptables_rules r on r.id = o.rule_id
group by r.host, o.bucket;

create temporary table legacy_nsx_minutes on commit drop as
select f.host, o.bucket as at,
       array_agg(c.id order by c.id) as series,
       array[array_agg(o.delta order by c.id)] as columns
from legacy_nsx_filter_rollup_1m o
join nsx_filters f on f.id = o.filter_id
join nsx_filter_counters c on c.filter_id = o.filter_id and c.reason = o.reason
group by f.host, o.bucket;

create temporary table legacy_minutes on commit drop as
select host, at, 1::smallint as kind, '{samples,connections_sum,connections_max,syn_recv_sum,syn_recv_max}'::text[] as names, series, columns
from legacy_rs_minutes
union all
select host, at, 3::smallint, '{packets,bytes}'::text[], series, columns from legacy_rule_minutes
union all
select host, at, 4::smallint, '{value}'::text[], series, columns from legacy_nsx_minutes;

insert into frame_layouts (kind, columns, series, digest)
select distinct on (d) kind, names, series, d
from (select kind, names, series, frame_layout_digest(kind, names, series) as d from legacy_minutes) m
on conflict (digest) do nothing;

-- Partitions for the carried minutes (daily, as PartitionMaintenance names them); it creates the rest at start.
do $$
declare
    day date;
begin
    for day in select distinct (at at time zone 'UTC')::date from legacy_minutes loop
        execute format('create table if not exists %I partition of frames_1m for values from (%L) to (%L)',
            'frames_1m_p' || to_char(day, 'YYYYMMDD'), day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
    end loop;
end $$;

insert into frames_1m (at, host, kind, layout_id, payload)
select m.at, m.host, m.kind, l.id, frame_encode(m.columns)
from legacy_minutes m join frame_layouts l on l.digest = frame_layout_digest(m.kind, m.names, m.series);

-- Carried over whole: the rollup tables of before go.
drop table legacy_ipvs_rs_rollup_1m, legacy_iptables_rule_rollup_1m, legacy_nsx_filter_rollup_1m;
