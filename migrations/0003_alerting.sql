-- Alerting: alerts with their state history, Alertmanager-like groups, silences, chat channels and an outbox of notifications.

-- One row per alert instance: from the moment its condition held until it resolved. At most one active row per fingerprint.
create table alerts (
    id                bigint generated always as identity primary key,
    fingerprint       text not null,
    rule              text not null,
    rule_kind         text not null,
    severity          text not null,
    labels            jsonb not null,
    annotations       jsonb not null,
    group_key         text not null,
    state             text not null check (state in ('pending', 'firing', 'resolved')),
    value             double precision,
    threshold         double precision,
    active_at         timestamptz not null,
    starts_at         timestamptz,
    ends_at           timestamptz,
    last_evaluated_at timestamptz not null,
    acknowledged_by   text,
    acknowledged_at   timestamptz,
    ack_comment       text
);

create unique index alerts_one_active_per_fingerprint on alerts (fingerprint) where state <> 'resolved';
create index alerts_by_group on alerts (group_key, state);
create index alerts_by_start on alerts (active_at desc);

-- Every state change of an alert, and who acknowledged it.
create table alert_events (
    id       bigint generated always as identity primary key,
    alert_id bigint not null references alerts (id) on delete cascade,
    at       timestamptz not null,
    change   text not null,
    actor    text,
    detail   text
);

create index alert_events_by_alert on alert_events (alert_id, at);

-- A group of alerts notified together (group_by labels); remembers what chat was last told, as Alertmanager's notification log does.
create table alert_groups (
    group_key          text primary key,
    labels             jsonb not null,
    created_at         timestamptz not null,
    last_flush_at      timestamptz,
    last_notified_at   timestamptz,
    notified_firing    text[] not null default '{}',
    notification_count integer not null default 0
);

create table alert_silences (
    id         bigint generated always as identity primary key,
    matchers   jsonb not null,
    created_by text not null,
    comment    text not null,
    starts_at  timestamptz not null,
    ends_at    timestamptz not null,
    created_at timestamptz not null
);

create index alert_silences_by_end on alert_silences (ends_at);

-- Channels added in the UI; channels from settings are not stored.
create table alert_channels (
    id         bigint generated always as identity primary key,
    name       text not null unique,
    kind       text not null check (kind in ('slack', 'mattermost', 'dingtalk', 'wecom', 'feishu', 'teams', 'webhook')),
    url        text not null,
    secret     text,
    language   text not null default 'en' check (language in ('en', 'zh-CN')),
    enabled    boolean not null default true,
    updated_by text,
    updated_at timestamptz not null
);

-- Rules edited in the UI; they replace the rule of the same name from the defaults and settings.
create table alert_rules (
    name       text primary key,
    definition jsonb not null,
    updated_by text,
    updated_at timestamptz not null
);

-- Numbers notifications; a group that ends and comes back keeps counting from here, never from one again.
create sequence alert_notification_numbers;

-- One row per group notification per channel, written in the transaction that changed the group; the dispatcher sends it.
create table alert_outbox (
    id              bigint generated always as identity primary key,
    group_key       text not null,
    sequence        integer not null,
    channel         text not null,
    notification    jsonb not null,
    status          text not null default 'pending' check (status in ('pending', 'sent', 'folded', 'failed')),
    created_at      timestamptz not null,
    next_attempt_at timestamptz not null,
    attempts        integer not null default 0,
    last_error      text,
    sent_at         timestamptz,
    folded_into     bigint references alert_outbox (id),
    unique (sequence, channel)
);

create index alert_outbox_due on alert_outbox (channel, next_attempt_at) where status = 'pending';

-- Every HTTP attempt, successful or not: the per-channel rate limits count these.
create table alert_delivery_attempts (
    id          bigint generated always as identity primary key,
    outbox_id   bigint references alert_outbox (id),
    channel     text not null,
    at          timestamptz not null,
    status_code integer,
    succeeded   boolean not null,
    error       text
);

create index alert_delivery_attempts_by_channel on alert_delivery_attempts (channel, at desc);
