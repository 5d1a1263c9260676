#!/usr/bin/env bash
# Whole-process side-by-side run: the native agent's `parse` against mawk and wc -l on the same generated files.
# Usage: tests/Dashboard.Benchmarks/scripts/parse-vs-awk.sh [LINES] [RULES]   (defaults 1000000 and 20000)
set -euo pipefail
cd "$(dirname "$0")/../../.."
lines="${1:-1000000}"
rules="${2:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v mawk >/dev/null || apt-get install -y -qq mawk >/dev/null
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null

echo "== publishing the agent with NativeAOT"
dotnet publish src/Dashboard.Agent -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/agent"
agent="$work/agent/dashboard-agent"
ls -l "$agent" | awk '{printf "agent binary: %.1f MB\n", $5 / 1048576}'

echo "== generating inputs"
dotnet run -c Release --project tests/Dashboard.Benchmarks -- generate ipvsadm-conn "$lines" "$work/ipvsadm-conn.txt"
dotnet run -c Release --project tests/Dashboard.Benchmarks -- generate proc-ip-vs-conn "$lines" "$work/ip_vs_conn.txt"
dotnet run -c Release --project tests/Dashboard.Benchmarks -- generate iptables-save "$rules" "$work/iptables-save.txt"
ls -l "$work"/*.txt | awk '{printf "%s: %.1f MB\n", $9, $5 / 1048576}'

# parse reads a connection table file of 4 MB or more on all cores (--threads, same result); --threads 1 is one pass.
echo "== $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup 2 --runs 10 --export-markdown "$work/conn.md" \
  -n 'wc -l' "wc -l $work/ipvsadm-conn.txt" \
  -n 'mawk count by state' "mawk '{c[\$3]++} END {for (s in c) print s, c[s]}' $work/ipvsadm-conn.txt" \
  -n 'dashboard-agent parse ipvsadm-conn --threads 1' "$agent parse ipvsadm-conn $work/ipvsadm-conn.txt --threads 1" \
  -n 'dashboard-agent parse ipvsadm-conn' "$agent parse ipvsadm-conn $work/ipvsadm-conn.txt" \
  -n 'dashboard-agent parse proc-ip-vs-conn --threads 1' "$agent parse proc-ip-vs-conn $work/ip_vs_conn.txt --threads 1" \
  -n 'dashboard-agent parse proc-ip-vs-conn' "$agent parse proc-ip-vs-conn $work/ip_vs_conn.txt"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup 2 --runs 10 --export-markdown "$work/ipt.md" \
  -n 'wc -l' "wc -l $work/iptables-save.txt" \
  -n 'mawk packets per chain' "mawk '/^\\[/ {split(\$1, c, \":\"); sub(/\\[/, \"\", c[1]); p[\$3] += c[1]} END {for (k in p) print k, p[k]}' $work/iptables-save.txt" \
  -n 'dashboard-agent parse iptables-save' "$agent parse iptables-save $work/iptables-save.txt"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== peak memory (maximum resident set size)"
peak() { local name="$1"; shift; /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1; echo "$name: $(cat "$work/rss") KB"; }
peak "mawk count by state" mawk '{c[$3]++} END {for (s in c) print s, c[s]}' "$work/ipvsadm-conn.txt"
peak "dashboard-agent parse ipvsadm-conn --threads 1" "$agent" parse ipvsadm-conn "$work/ipvsadm-conn.txt" --threads 1
peak "dashboard-agent parse ipvsadm-conn" "$agent" parse ipvsadm-conn "$work/ipvsadm-conn.txt"
peak "dashboard-agent parse proc-ip-vs-conn --threads 1" "$agent" parse proc-ip-vs-conn "$work/ip_vs_conn.txt" --threads 1
peak "dashboard-agent parse proc-ip-vs-conn" "$agent" parse proc-ip-vs-conn "$work/ip_vs_conn.txt"
cmp <("$agent" parse ipvsadm-conn "$work/ipvsadm-conn.txt") <("$agent" parse ipvsadm-conn "$work/ipvsadm-conn.txt" --threads 1) && echo "same JSON on all cores and on one"
peak "dashboard-agent parse iptables-save" "$agent" parse iptables-save "$work/iptables-save.txt"
cat "$work/conn.md" "$work/ipt.md"
