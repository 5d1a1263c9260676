-- Findings: a named failure at a place, with the evidence that showed it, from when it opened until it resolved.
create table findings (
    id               bigint generated always as identity primary key,
    finding_key      text not null,
    kind             text not null,
    severity         text not null,
    director         text,
    vip              text,
    hypervisor       text,
    port             text,
    real_server      text,
    summary          text not null,
    evidence         jsonb not null,
    confirm_commands jsonb not null,
    remediation      text not null,
    first_seen       timestamptz not null,
    opened_at        timestamptz not null,
    last_seen        timestamptz not null,
    resolved_at      timestamptz
);

create unique index findings_one_open_per_key on findings (finding_key) where resolved_at is null;
create index findings_by_opened on findings (opened_at desc);
