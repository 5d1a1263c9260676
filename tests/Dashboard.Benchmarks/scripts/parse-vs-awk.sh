#!/usr/bin/env bash
# Whole-process side-by-side run: the native agent's `parse` against mawk and wc -l on the same generated files.
# Usage: tests/Dashboard.Benchmarks/scripts/parse-vs-awk.sh [LINES] [RULES]   (defaults 1000000 and 20000)
# BASELINE_AGENT=/path/to/dashboard-agent adds an earlier build's agent to the same runs, for a before/after in one run.
set -euo pipefail
cd "$(dirname "$0")/../../.."
lines="${1:-1000000}"
rules="${2:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v mawk >/dev/null || missing+=(mawk)
[ -x /usr/bin/time ] || missing+=(time)
if ((${#missing[@]})); then
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

echo "== publishing the agent with NativeAOT"
dotnet publish src/Dashboard.Agent -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/agent"
agent="$work/agent/dashboard-agent"
ls -l "$agent" | awk '{printf "agent binary: %.1f MB\n", $5 / 1048576}'

echo "== generating inputs"
dotnet run -c Release --project tests/Dashboard.Benchmarks -- generate ipvsadm-conn "$lines" "$work/ipvsadm-conn.txt"
dotnet run -c Release --project tests/Dashboard.Benchmarks -- generate proc-ip-vs-conn "$lines" "$work/ip_vs_conn.txt"
dotnet run -c Release --project tests/Dashboard.Benchmarks -- generate iptables-save "$rules" "$work/iptables-save.txt"
ls -l "$work"/*.txt | awk '{printf "%s: %.1f MB\n", $9, $5 / 1048576}'

# Rows of an earlier agent, when one is given, to compare builds in the same run.
baseline=()
baseline_ipt=()
if [ -n "${BASELINE_AGENT:-}" ]; then
  baseline=(-n 'baseline agent parse ipvsadm-conn' "$BASELINE_AGENT parse ipvsadm-conn $work/ipvsadm-conn.txt"
            -n 'baseline agent version' "$BASELINE_AGENT version")
  baseline_ipt=(-n 'baseline agent parse iptables-save' "$BASELINE_AGENT parse iptables-save $work/iptables-save.txt")
fi

# parse reads a connection table in one pass on one thread, as the collectors do.
echo "== $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine --warmup 2 --runs "${RUNS:-10}" --export-markdown "$work/conn.md" --export-csv "$work/conn.csv" \
  -n 'wc -l' "wc -l $work/ipvsadm-conn.txt" \
  -n 'mawk count by state' "mawk '{c[\$3]++} END {for (s in c) print s, c[s]}' $work/ipvsadm-conn.txt" \
  -n 'dashboard-agent version (startup alone)' "$agent version" \
  -n 'dashboard-agent parse ipvsadm-conn' "$agent parse ipvsadm-conn $work/ipvsadm-conn.txt" \
  -n 'dashboard-agent parse proc-ip-vs-conn' "$agent parse proc-ip-vs-conn $work/ip_vs_conn.txt" \
  "${baseline[@]}"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# What writing the contract JSON alone costs: cat of the agent's own output for this dump.
"$agent" parse iptables-save "$work/iptables-save.txt" >"$work/iptables-save.json"
ls -l "$work/iptables-save.json" | awk '{printf "parse iptables-save JSON: %.1f MB\n", $5 / 1048576}'
hyperfine --warmup 2 --runs "${RUNS:-10}" --export-markdown "$work/ipt.md" --export-csv "$work/ipt.csv" \
  -n 'wc -l' "wc -l $work/iptables-save.txt" \
  -n 'mawk packets per chain' "mawk '/^\\[/ {split(\$1, c, \":\"); sub(/\\[/, \"\", c[1]); p[\$3] += c[1]} END {for (k in p) print k, p[k]}' $work/iptables-save.txt" \
  -n 'dashboard-agent version (startup alone)' "$agent version" \
  -n 'cat of the 5 MB JSON parse prints' "cat $work/iptables-save.json" \
  -n 'dashboard-agent parse iptables-save' "$agent parse iptables-save $work/iptables-save.txt" \
  "${baseline_ipt[@]}"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== how many times faster than mawk (mean of mawk / mean of the command, same run)"
for csv in "$work/conn.csv" "$work/ipt.csv"; do
  awk -F, 'NR > 1 { name[NR] = $1; mean[NR] = $2 } $1 ~ /^mawk/ { awk_mean = $2 }
    END { for (i = 2; i <= NR; i++) if (name[i] !~ /^mawk/) printf "%-50s %5.2fx\n", name[i], awk_mean / mean[i] }' "$csv"
done

echo "== peak memory (maximum resident set size)"
peak() { local name="$1"; shift; /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1; echo "$name: $(cat "$work/rss") KB"; }
peak "mawk count by state" mawk '{c[$3]++} END {for (s in c) print s, c[s]}' "$work/ipvsadm-conn.txt"
peak "dashboard-agent parse ipvsadm-conn" "$agent" parse ipvsadm-conn "$work/ipvsadm-conn.txt"
peak "dashboard-agent parse proc-ip-vs-conn" "$agent" parse proc-ip-vs-conn "$work/ip_vs_conn.txt"
peak "dashboard-agent parse iptables-save" "$agent" parse iptables-save "$work/iptables-save.txt"
if [ -n "${BASELINE_AGENT:-}" ]; then
  for input in "ipvsadm-conn ipvsadm-conn.txt" "proc-ip-vs-conn ip_vs_conn.txt" "iptables-save iptables-save.txt"; do
    set -- $input
    cmp <("$BASELINE_AGENT" parse "$1" "$work/$2") <("$agent" parse "$1" "$work/$2") && echo "$1: same JSON as the baseline agent"
  done
fi
cat "$work/conn.md" "$work/ipt.md"
