-- A token speaks for the hosts it was issued for: an explicit list, a glob, or (both null) nothing yet (made before
-- scopes existed; accepted until Dashboard:Auth:RequireBoundTokens is set, then refused until `token bind`).
alter table api_tokens add column hosts text[];
alter table api_tokens add column host_pattern text;

-- Idempotency belongs to the identity that sent a batch: another token's sequences can no longer shadow a host's own.
alter table ingest_batches drop constraint ingest_batches_pkey;
alter table ingest_batches add primary key (host, source, token_name, sequence);
