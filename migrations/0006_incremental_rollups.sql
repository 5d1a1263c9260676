-- Rollups follow the batches committed since their last pass instead of re-reading a trailing window each time.
alter table ingest_batches add column committed_by xid8;
alter table ingest_batches alter column committed_by set default pg_current_xact_id();
create index ingest_batches_committed_by on ingest_batches (committed_by);

-- What the last pass had seen committed, and the minutes it saw data for that were not settled yet.
alter table rollup_watermarks add column seen pg_snapshot;

create table rollup_pending (
    name   text not null,
    bucket timestamptz not null,
    primary key (name, bucket)
);

-- The idempotency journal is kept as long as the raw samples it vouches for.
create index ingest_batches_collected_at on ingest_batches (collected_at);
