#!/usr/bin/env bash
# The ingest steady phase (200 agents, one push each per 5 s, 120 s after a 60 s warm-up) run N times in a row, each on a
# fresh embedded PostgreSQL, with one line per run: p50/p99 and the CPU each row and each number cost. The same work costs
# the same CPU, so those columns show how fast the machine was during a run, beside the latency it got.
# Usage: tests/Dashboard.Benchmarks/scripts/steady-runs.sh [RUNS]   (default 3; each run takes about 3.5 minutes)
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build tests/Dashboard.Benchmarks -c Release -nologo -v quiet -clp:ErrorsOnly
bench=(dotnet tests/Dashboard.Benchmarks/bin/Release/net10.0/*/Dashboard.Benchmarks.dll)
echo "== $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %10s %10s %10s %12s %14s\n' run 'p50 ms' 'p99 ms' 'max ms' 'CPU µs/row' 'CPU ns/number'
for ((i = 1; i <= runs; i++)); do
  "${bench[@]}" loadgen --phases steady --duration 120 --output "$work/run-$i.md" >"$work/run-$i.log" 2>&1
  # The report's steady row: | steady, 200 agents | pushes | errors | late | rows | rows/s | p50 | p95 | p99 | max | prep | cores | other | µs/row |
  # and the storage line: "... CPU (this process and PostgreSQL) 9,461 ns per number."
  per_number=$(grep -o '[0-9,]* ns per number' "$work/run-$i.log" | head -1 | tr -d ', ' | sed 's/nspernumber//')
  awk -F'|' -v run="$i" -v n="${per_number:--}" '/^\| steady, / { gsub(/[ ,]/, "", $8); gsub(/[ ,]/, "", $10); gsub(/[ ,]/, "", $11); gsub(/[ ,]/, "", $15);
    printf "%-4s %10s %10s %10s %12s %14s\n", run, $8, $10, $11, $15, n }' "$work/run-$i.log"
done
