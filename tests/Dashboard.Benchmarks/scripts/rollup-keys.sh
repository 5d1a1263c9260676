#!/usr/bin/env bash
# What one minute of iptables rule rollups costs PostgreSQL HOURS into a day's partition, with the table keyed rule first
# (rule_id, bucket) and time first (bucket, rule_id), side by side on one private PostgreSQL with its defaults.
# Each layout is filled with HOURS × 60 minutes of RULES rules, checkpointed, then given MINUTES more minutes one at a time,
# the way the server writes a settled minute (insert … on conflict do update); per minute: time, buffers read, dirtied and
# written by the statement itself, WAL bytes and full-page images.
# Usage: tests/Dashboard.Benchmarks/scripts/rollup-keys.sh [HOURS] [RULES] [MINUTES]   (defaults 2, 120000, 4)
set -euo pipefail
hours="${1:-2}"
rules="${2:-120000}"
minutes="${3:-4}"

bin="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -1)")"
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries missing: apt-get install postgresql" >&2; exit 2; }
work="$(mktemp -d /tmp/rollup-keys.XXXXXX)"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_owner=(runuser -u postgres --)
fi
stop() { "${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap stop EXIT
"${as_owner[@]}" "$bin/initdb" -D "$work/data" -U postgres --no-sync >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$work' -c max_wal_size=4GB" start >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
psql=("${as_owner[@]}" psql -h "$work" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1)

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $("${psql[@]}" -Atc 'show server_version'), shared_buffers $("${psql[@]}" -Atc 'show shared_buffers')"
echo "== $rules rules, $hours h already in the partition ($((hours * 60 * rules)) rows), then $minutes minutes more"
printf '%-22s %6s %10s %10s %10s %10s %10s %10s\n' layout minute 'ms' 'read' 'dirtied' 'written' 'WAL MiB' 'FPI'

for layout in "rule first:rule_id, bucket" "time first:bucket, rule_id"; do
  name="${layout%%:*}"
  key="${layout#*:}"
  "${psql[@]}" <<SQL
drop table if exists rollup;
create table rollup (bucket timestamptz not null, rule_id bigint not null, packets_last bigint not null,
    bytes_last bigint not null, packets_delta bigint not null, bytes_delta bigint not null);
insert into rollup
select timestamptz '2026-01-01' + m * interval '1 minute', r, m * 10, m * 1000, 10, 1000
from generate_series(0, $hours * 60 - 1) m, generate_series(1, $rules) r;
alter table rollup add primary key ($key);
vacuum analyze rollup;
checkpoint;
SQL
  for ((i = 0; i < minutes; i++)); do
    minute=$((hours * 60 + i))
    "${psql[@]}" -At <<SQL | awk -v name="$name" -v minute="$((i + 1))" '
      /^Execution Time/ { ms = $3 }
      /^ *Buffers:/ && !buffers { buffers = $0 }
      /^ *WAL:/ && !wal { wal = $0 }
      END {
        read = match(buffers, /read=[0-9]+/) ? substr(buffers, RSTART + 5, RLENGTH - 5) : 0
        dirtied = match(buffers, /dirtied=[0-9]+/) ? substr(buffers, RSTART + 8, RLENGTH - 8) : 0
        written = match(buffers, /written=[0-9]+/) ? substr(buffers, RSTART + 8, RLENGTH - 8) : 0
        fpi = match(wal, /fpi=[0-9]+/) ? substr(wal, RSTART + 4, RLENGTH - 4) : 0
        bytes = match(wal, /bytes=[0-9]+/) ? substr(wal, RSTART + 6, RLENGTH - 6) : 0
        printf "%-22s %6d %10.0f %10d %10d %10d %10.1f %10d\n", name, minute, ms, read, dirtied, written, bytes / 1048576, fpi
      }'
explain (analyze, buffers, wal, costs off, timing off, summary on)
insert into rollup
select timestamptz '2026-01-01' + $minute * interval '1 minute', r, $minute * 10, $minute * 1000, 10, 1000
from generate_series(1, $rules) r
on conflict ($key) do update set packets_last = excluded.packets_last, bytes_last = excluded.bytes_last,
    packets_delta = excluded.packets_delta, bytes_delta = excluded.bytes_delta;
SQL
  done
done
