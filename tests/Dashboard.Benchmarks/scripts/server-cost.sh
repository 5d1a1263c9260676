#!/usr/bin/env bash
# The running server's cost, measured on the built server as its own process with a private PostgreSQL:
#   soak     RSS, threads, open fds, CPU and PostgreSQL connections every 30 s under the demo fleet and N simulated agents,
#            with a "bounded" verdict (the last third of the run within +25 % of the first third; the band is printed);
#   wallcost the server's CPU and RSS with 0 wall displays, 20 headless Chromium walls, and 0 again, under N agents.
# Usage: tests/Dashboard.Benchmarks/scripts/server-cost.sh [MINUTES] [AGENTS]   (defaults 60 and 200; 3 is the smoke run)
# Needs the machine's PostgreSQL server binaries and Debian's chromium; all traffic stays on the loopback interface.
# On a small machine, DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 keeps the server's idle spin-waiting out of the CPU figures.
set -euo pipefail
cd "$(dirname "$0")/../../.."
minutes="${1:-60}"
agents="${2:-200}"

compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || { echo "PostgreSQL server binaries missing: apt-get install postgresql" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "Chromium missing: apt-get install chromium" >&2; exit 2; }

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
dotnet build tests/Dashboard.Benchmarks -c Release -nologo -v quiet -clp:ErrorsOnly

echo "== soak: $minutes min, demo fleet + $agents simulated agents"
soak=0
dotnet run -c Release --no-build --project tests/Dashboard.Benchmarks -- soak --minutes "$minutes" --agents "$agents" || soak=$?

echo "== wallcost: $agents simulated agents, 20 walls"
dotnet run -c Release --no-build --project tests/Dashboard.Benchmarks -- wallcost --agents "$agents" --walls 20

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$soak"
