-- Identities: tokens for agents, scripts and wall displays; users for people.
create table api_tokens (
    id           bigint generated always as identity primary key,
    name         text not null unique,
    role         text not null check (role in ('director', 'hypervisor', 'nsx', 'reader', 'wall')),
    token_hash   bytea not null unique,
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

create table users (
    id            bigint generated always as identity primary key,
    name          text not null unique,
    role          text not null check (role in ('viewer', 'operator', 'admin')),
    password_hash text not null,
    created_at    timestamptz not null default now(),
    failed_logins integer not null default 0,
    locked_until  timestamptz
);

-- Every host that ever reported, and the last thing it said.
create table hosts (
    name            text primary key,
    role            text not null,
    first_seen      timestamptz not null default now(),
    last_seen       timestamptz not null,
    last_collected  timestamptz not null,
    agent_version   text,
    dropped_batches bigint not null default 0
);

-- Idempotency journal: a replayed (host, source, sequence) is acknowledged and not stored again.
create sequence raw_upload_sequence;

create table ingest_batches (
    host         text not null,
    source       text not null,
    sequence     bigint not null,
    collected_at timestamptz not null,
    received_at  timestamptz not null default now(),
    token_name   text not null,
    row_count    integer not null,
    primary key (host, source, sequence)
);

-- IPVS: one row per (director, virtual service, real server) per sample; counts by state kept whole in by_state.
create table ipvs_rs_samples (
    collected_at timestamptz not null,
    director     text not null,
    protocol     text not null,
    virtual      text not null,
    destination  text not null,
    forward      text,
    weight       integer,
    active_conn  bigint,
    inact_conn   bigint,
    connections  bigint not null,
    syn_recv     bigint not null,
    templates    bigint not null,
    by_state     jsonb not null
) partition by range (collected_at);

create index ipvs_rs_samples_series on ipvs_rs_samples (director, virtual, collected_at);

create table ipvs_service_samples (
    collected_at timestamptz not null,
    director     text not null,
    protocol     text not null,
    virtual      text not null,
    scheduler    text,
    persistent   bigint,
    conns        bigint,
    in_packets   bigint,
    out_packets  bigint,
    in_bytes     bigint,
    out_bytes    bigint
) partition by range (collected_at);

create index ipvs_service_samples_series on ipvs_service_samples (director, virtual, collected_at);

-- iptables: rules are a dimension keyed by a stable identity; counters are samples.
create table iptables_rules (
    id                bigint generated always as identity primary key,
    host              text not null,
    namespace         text not null default '',
    table_name        text not null,
    chain             text not null,
    identity          text not null,
    position          integer not null,
    target            text,
    comment           text,
    spec              text not null,
    drop_kind         text,
    neutron_port      text,
    neutron_direction text,
    first_seen        timestamptz not null,
    last_seen         timestamptz not null,
    unique (host, namespace, identity)
);

create table iptables_rule_samples (
    collected_at timestamptz not null,
    rule_id      bigint not null,
    packets      bigint not null,
    bytes        bigint not null
) partition by range (collected_at);

create index iptables_rule_samples_series on iptables_rule_samples (rule_id, collected_at);

create table neutron_ports (
    host          text not null,
    namespace     text not null default '',
    port          text not null,
    device        text,
    allowed_pairs jsonb not null,
    last_seen     timestamptz not null,
    primary key (host, namespace, port)
);

-- NSX distributed firewall: filters (world, vNIC) are a dimension; counters by reason are samples.
create table nsx_filters (
    id         bigint generated always as identity primary key,
    host       text not null,
    name       text not null,
    world_id   bigint,
    vnic_index integer,
    vm_name    text,
    mac        text,
    first_seen timestamptz not null,
    last_seen  timestamptz not null,
    unique (host, name)
);

create table nsx_filter_samples (
    collected_at timestamptz not null,
    filter_id    bigint not null,
    reason       text not null,
    value        bigint not null
) partition by range (collected_at);

create index nsx_filter_samples_series on nsx_filter_samples (filter_id, collected_at);

create table nsx_rule_samples (
    collected_at timestamptz not null,
    host         text not null,
    rule_id      text not null,
    packets      bigint not null,
    bytes        bigint not null,
    hits         bigint not null,
    sessions     bigint not null
) partition by range (collected_at);

-- keepalived: latest state per instance and real server, with transitions kept.
create table keepalived_instances (
    host          text not null,
    name          text not null,
    state         text not null,
    priority      integer,
    master_router text,
    changed_at    timestamptz not null,
    updated_at    timestamptz not null,
    primary key (host, name)
);

create table keepalived_transitions (
    host       text not null,
    name       text not null,
    from_state text,
    to_state   text not null,
    at         timestamptz not null
);

create table keepalived_real_servers (
    host       text not null,
    virtual    text not null,
    address    text not null,
    protocol   text not null,
    up         boolean not null,
    changed_at timestamptz not null,
    updated_at timestamptz not null,
    primary key (host, virtual, address, protocol)
);

-- One-minute rollups, rebuilt over a trailing window so late samples are folded in.
create table ipvs_rs_rollup_1m (
    bucket          timestamptz not null,
    director        text not null,
    protocol        text not null,
    virtual         text not null,
    destination     text not null,
    samples         integer not null,
    connections_avg double precision not null,
    connections_max bigint not null,
    syn_recv_avg    double precision not null,
    syn_recv_max    bigint not null,
    primary key (director, virtual, destination, protocol, bucket)
) partition by range (bucket);

create table iptables_rule_rollup_1m (
    bucket        timestamptz not null,
    rule_id       bigint not null,
    packets_last  bigint not null,
    bytes_last    bigint not null,
    packets_delta bigint not null,
    bytes_delta   bigint not null,
    primary key (rule_id, bucket)
) partition by range (bucket);

create table nsx_filter_rollup_1m (
    bucket     timestamptz not null,
    filter_id  bigint not null,
    reason     text not null,
    value_last bigint not null,
    delta      bigint not null,
    primary key (filter_id, reason, bucket)
) partition by range (bucket);

create table rollup_watermarks (
    name  text primary key,
    upto  timestamptz not null
);
