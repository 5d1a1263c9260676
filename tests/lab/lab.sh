#!/usr/bin/env bash
# LVS direct routing behind a Neutron-style compute node, rebuilt in network namespaces on a real kernel.
# Usage: see `lab.sh help` and README.md next to this file.
set -euo pipefail

PREFIX="${LAB_PREFIX:-lvslab}"
LAB_NAME=lab
# shellcheck source=lab-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab-common.sh"
STATE_ROOT="${LAB_STATE_ROOT:-/run/lvslab}"

readonly WRAP=neutron-openvswi
readonly BRIDGE=brq6f2d4e1a-8b
readonly DHCP_SERVER=10.1.26.120
# Conntrack zones are per port (hybrid driver).
declare -rA PORT_ZONE=([director]=4097 [rs1]=4098 [rs2]=4099 [rs3]=4100)

# Comments exactly as Neutron's iptables firewall driver renders them.
readonly C_VM_INT_SG="Direct traffic from the VM interface to the security group chain."
readonly C_SG_TO_VM_SG="Jump to the VM specific chain."
readonly C_INPUT_TO_SG="Direct incoming traffic from VM to the security group chain."
readonly C_PAIR_ALLOW="Allow traffic from defined IP/MAC pairs."
readonly C_PAIR_DROP="Drop traffic without an IP/MAC allow rule."
readonly C_DHCP_CLIENT="Allow DHCP client traffic."
readonly C_DHCP_SPOOF="Prevent DHCP Spoofing by VM."
readonly C_ALLOW_ASSOC="Direct packets associated with a known session to the RETURN chain."
readonly C_INVALID_DROP="Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack."
readonly C_UNMATCHED="Send unmatched traffic to the fallback chain."
readonly C_UNMATCH_DROP="Default drop rule for unmatched traffic."
# The seed incident's fix, scoped to the director's tap so only what the director forwards bypasses the port chains.
readonly C_LOCAL_FIX="LVS-DR: accept packets forwarded by the director port (source = client, destination = VIP)."


# Exit 77 tells callers the lab cannot run here (skipped, with the reason on one line).

usage() {
  cat <<EOF
usage: lab.sh COMMAND [ARGS]   (LAB_PREFIX selects the namespace prefix, default lvslab)
  up [PREFIX]                  build the compute node, client, director and real servers
  scenario NAME [PREFIX]       broken | fixed | pairs | halfflow
  traffic N [TIMEOUT [PREFIX]] N client connections to $VIP:$SERVICE_PORT; prints ok=X failed=Y
  save [PREFIX]                iptables-save -c of the compute node
  down [PREFIX]                remove everything (idempotent)
  selftest [PREFIX]            up, check every scenario against the kernel's counters, down
EOF
}

set_prefix() {
  if [[ -n "${1:-}" ]]; then PREFIX="$1"; fi
  [[ "$PREFIX" =~ ^[a-z][a-z0-9-]{0,19}$ ]] || die "invalid prefix '$PREFIX' (lowercase letters, digits, '-'; at most 20)"
  STATE="$STATE_ROOT/$PREFIX"
}

# iptables flavour of the compute node: legacy when the kernel has it (as on the hosts of the seed incident), else nft.
backend() { cat "$STATE/backend"; }
ipt() { in_ns compute "iptables-$(backend)" "$@"; }
ipt_save() { in_ns compute "iptables-$(backend)-save" -c "$@"; }

chain() { local id="${PORT_ID[$2]}"; echo "$WRAP-$1${id:0:10}"; }


require_root() {
  [[ "$(id -u)" -eq 0 ]] || unavailable "network namespaces need root (CAP_SYS_ADMIN); running as uid $(id -u)"
}

ensure_tools() {
  local -A need=([ip]=iproute2 [ss]=iproute2 [iptables-nft]=iptables [iptables-nft-save]=iptables
    [iptables-nft-restore]=iptables [conntrack]=conntrack [python3]=python3 [sysctl]=procps [setsid]=util-linux)
  local missing=() cmd
  for cmd in "${!need[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
  done
  install_missing "${missing[@]}"
}

is_up() { [[ -e "/run/netns/$(ns compute)" && -d "$STATE" ]]; }
require_up() { is_up || die "lab '$PREFIX' is not up (run: lab.sh up $PREFIX)"; }

# ---------------------------------------------------------------- rules

# The filter and raw tables as the OVS hybrid iptables driver renders them for these four ports.
render_rules() {
  local p id t i o s
  echo "*raw"
  echo ":PREROUTING ACCEPT [0:0]"
  echo ":OUTPUT ACCEPT [0:0]"
  echo ":$WRAP-OUTPUT - [0:0]"
  echo ":$WRAP-PREROUTING - [0:0]"
  echo "-A PREROUTING -j $WRAP-PREROUTING"
  echo "-A OUTPUT -j $WRAP-OUTPUT"
  for p in "${PORTS[@]}"; do
    id="${PORT_ID[$p]}"
    # qvb* exists only with one bridge per port; the agent renders those rules regardless.
    echo "-A $WRAP-PREROUTING -m physdev --physdev-in qvb${id:0:11} -m comment --comment \"Set zone for ${id:4}\" -j CT --zone ${PORT_ZONE[$p]}"
    echo "-A $WRAP-PREROUTING -i qvb${id:0:11} -m comment --comment \"Set zone for ${id:4}\" -j CT --zone ${PORT_ZONE[$p]}"
    echo "-A $WRAP-PREROUTING -m physdev --physdev-in $(tap "$p") -m comment --comment \"Set zone for ${id:4}\" -j CT --zone ${PORT_ZONE[$p]}"
  done
  echo "COMMIT"

  echo "*filter"
  echo ":INPUT ACCEPT [0:0]"
  echo ":FORWARD ACCEPT [0:0]"
  echo ":OUTPUT ACCEPT [0:0]"
  local c
  for c in neutron-filter-top "$WRAP-FORWARD" "$WRAP-INPUT" "$WRAP-OUTPUT" "$WRAP-local" "$WRAP-scope" \
    "$WRAP-sg-chain" "$WRAP-sg-fallback"; do
    echo ":$c - [0:0]"
  done
  for p in "${PORTS[@]}"; do
    echo ":$(chain i "$p") - [0:0]"
    echo ":$(chain o "$p") - [0:0]"
    echo ":$(chain s "$p") - [0:0]"
  done
  echo "-A INPUT -j $WRAP-INPUT"
  echo "-A FORWARD -j neutron-filter-top"
  echo "-A FORWARD -j $WRAP-FORWARD"
  echo "-A OUTPUT -j neutron-filter-top"
  echo "-A OUTPUT -j $WRAP-OUTPUT"
  echo "-A neutron-filter-top -j $WRAP-local"
  echo "-A $WRAP-FORWARD -j $WRAP-scope"
  for p in "${PORTS[@]}"; do
    t="$(tap "$p")"
    echo "-A $WRAP-FORWARD -m physdev --physdev-out $t --physdev-is-bridged -m comment --comment \"$C_VM_INT_SG\" -j $WRAP-sg-chain"
    echo "-A $WRAP-FORWARD -m physdev --physdev-in $t --physdev-is-bridged -m comment --comment \"$C_VM_INT_SG\" -j $WRAP-sg-chain"
  done
  for p in "${PORTS[@]}"; do
    echo "-A $WRAP-INPUT -m physdev --physdev-in $(tap "$p") --physdev-is-bridged -m comment --comment \"$C_INPUT_TO_SG\" -j $(chain o "$p")"
  done
  for p in "${PORTS[@]}"; do
    t="$(tap "$p")"
    echo "-A $WRAP-sg-chain -m physdev --physdev-out $t --physdev-is-bridged -m comment --comment \"$C_SG_TO_VM_SG\" -j $(chain i "$p")"
    echo "-A $WRAP-sg-chain -m physdev --physdev-in $t --physdev-is-bridged -m comment --comment \"$C_SG_TO_VM_SG\" -j $(chain o "$p")"
  done
  echo "-A $WRAP-sg-chain -j ACCEPT"
  echo "-A $WRAP-sg-fallback -m comment --comment \"$C_UNMATCH_DROP\" -j DROP"

  for p in "${PORTS[@]}"; do
    i="$(chain i "$p")"; o="$(chain o "$p")"; s="$(chain s "$p")"
    local mac="${PORT_MAC[$p]^^}"
    # Ingress: the seed incident's director allows everything; real servers allow the trapper port (plus ICMP).
    echo "-A $i -m state --state RELATED,ESTABLISHED -m comment --comment \"$C_ALLOW_ASSOC\" -j RETURN"
    echo "-A $i -s $DHCP_SERVER/32 -p udp -m udp --sport 67 -m udp --dport 68 -j RETURN"
    if [[ "$p" == director ]]; then
      echo "-A $i -p icmp -j RETURN"
      echo "-A $i -j RETURN"
      echo "-A $i -p tcp -m tcp -m multiport --dports 1:65535 -j RETURN"
      echo "-A $i -p udp -m udp -m multiport --dports 1:65535 -j RETURN"
    else
      echo "-A $i -p tcp -m tcp --dport $SERVICE_PORT -j RETURN"
      echo "-A $i -p icmp -j RETURN"
    fi
    echo "-A $i -m state --state INVALID -m comment --comment \"$C_INVALID_DROP\" -j DROP"
    echo "-A $i -m comment --comment \"$C_UNMATCHED\" -j $WRAP-sg-fallback"
    # Egress: anti-spoof first, then the (allow-all) egress rules of the default group.
    echo "-A $o -s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67 -m comment --comment \"$C_DHCP_CLIENT\" -j RETURN"
    echo "-A $o -j $s"
    echo "-A $o -p udp -m udp --sport 68 --dport 67 -m comment --comment \"$C_DHCP_CLIENT\" -j RETURN"
    echo "-A $o -p udp -m udp --sport 67 -m udp --dport 68 -m comment --comment \"$C_DHCP_SPOOF\" -j DROP"
    echo "-A $o -m state --state RELATED,ESTABLISHED -m comment --comment \"$C_ALLOW_ASSOC\" -j RETURN"
    if [[ "$p" == director ]]; then
      echo "-A $o -p icmp -j RETURN"
      echo "-A $o -p tcp -m tcp -m multiport --dports 1:65535 -j RETURN"
      echo "-A $o -j RETURN"
      echo "-A $o -p udp -m udp -m multiport --dports 1:65535 -j RETURN"
    else
      echo "-A $o -j RETURN"
    fi
    echo "-A $o -m state --state INVALID -m comment --comment \"$C_INVALID_DROP\" -j DROP"
    echo "-A $o -m comment --comment \"$C_UNMATCHED\" -j $WRAP-sg-fallback"
    # Allowed address pairs come before the fixed IP; every port carries the VIP as a pair, as in the seed incident.
    echo "-A $s -s $VIP/32 -m mac --mac-source $mac -m comment --comment \"$C_PAIR_ALLOW\" -j RETURN"
    echo "-A $s -s ${PORT_IP[$p]}/32 -m mac --mac-source $mac -m comment --comment \"$C_PAIR_ALLOW\" -j RETURN"
    echo "-A $s -m comment --comment \"$C_PAIR_DROP\" -j DROP"
  done
  echo "COMMIT"
}

# ---------------------------------------------------------------- up / down

choose_backend() {
  local b="${LAB_IPTABLES:-}"
  if [[ -z "$b" ]]; then
    b=nft
    if command -v iptables-legacy >/dev/null 2>&1 && in_ns compute iptables-legacy -t raw -S >/dev/null 2>&1; then
      b=legacy
    fi
  fi
  [[ "$b" == legacy || "$b" == nft ]] || die "LAB_IPTABLES must be legacy or nft"
  echo "$b" >"$STATE/backend"
}

start_listener() {
  local rs="$1"
  # setsid + redirections: the listener must not hold the caller's pipes open.
  ip netns exec "$(ns "$rs")" setsid "$(python_bin)" -c "$PY_LISTENER" "${PORT_IP[$rs]}" "$SERVICE_PORT" \
    </dev/null >>"$STATE/$rs.log" 2>&1 &
}

wait_listeners() {
  local rs tries
  for rs in "${REAL_SERVERS[@]}"; do
    for ((tries = 0; tries < 50; tries++)); do
      [[ -n "$(in_ns "$rs" ss -Htln "sport = :$SERVICE_PORT")" ]] && continue 2
      sleep 0.1
    done
    die "listener on $rs (${PORT_IP[$rs]}:$SERVICE_PORT) did not start: $(tail -n 3 "$STATE/$rs.log" 2>/dev/null)"
  done
}

on_up_exit() {
  local rc=$?
  if ((rc != 0)); then
    # Exit 77 keeps stderr to its one reason line.
    ((rc == 77)) || log "up failed (exit $rc); removing what was built"
    cmd_down >/dev/null 2>&1 || true
  fi
  exit "$rc"
}

cmd_up() {
  require_root
  ensure_tools
  cmd_down >/dev/null
  trap on_up_exit EXIT
  local err n p t id
  if ! err="$(ip netns add "$(ns compute)" 2>&1)"; then
    unavailable "cannot create network namespace $(ns compute): ${err//$'\n'/ }"
  fi
  mkdir -p "$STATE"
  for n in client director "${REAL_SERVERS[@]}"; do ip netns add "$(ns "$n")"; done
  for n in compute client director "${REAL_SERVERS[@]}"; do
    in_ns "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$(ns "$n")" link set lo up
  done

  # Compute node: one bridge, bridge-netfilter on inside this namespace only.
  if ! in_ns compute test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
    command -v modprobe >/dev/null 2>&1 || apt-get install -y kmod >&2 || true
    modprobe br_netfilter 2>/dev/null || true
    in_ns compute test -e /proc/sys/net/bridge/bridge-nf-call-iptables \
      || unavailable "bridge netfilter (br_netfilter) is not available in this kernel"
  fi
  in_ns compute sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 \
    net.bridge.bridge-nf-call-arptables=1
  ip -n "$(ns compute)" link add "$BRIDGE" type bridge stp_state 0
  ip -n "$(ns compute)" link set "$BRIDGE" up

  for p in "${PORTS[@]}"; do
    t="$(tap "$p")"
    ip -n "$(ns compute)" link add "$t" type veth peer name eth0 netns "$(ns "$p")"
    # Nova gives the host side of a tap the VM's MAC with fe: in front.
    ip -n "$(ns compute)" link set "$t" address "fe:${PORT_MAC[$p]#*:}" master "$BRIDGE" up
    ip -n "$(ns "$p")" link set eth0 address "${PORT_MAC[$p]}" up
    ip -n "$(ns "$p")" addr add "${PORT_IP[$p]}/24" dev eth0
    ip -n "$(ns "$p")" route add 10.0.19.0/24 dev eth0 scope link
  done
  ip -n "$(ns compute)" link add "$UPLINK" type veth peer name eth0 netns "$(ns client)"
  ip -n "$(ns compute)" link set "$UPLINK" master "$BRIDGE" up
  ip -n "$(ns client)" link set eth0 address "$CLIENT_MAC" up
  ip -n "$(ns client)" addr add "$CLIENT_IP/24" dev eth0
  ip -n "$(ns client)" route add 10.1.26.0/24 dev eth0 scope link
  # The client's gateway would resolve the VIP to the director (VRRP master); here the client does it itself.
  ip -n "$(ns client)" neigh replace "$VIP" lladdr "${PORT_MAC[director]}" dev eth0 nud permanent

  # Director: forwards VIP traffic without holding the VIP; only the destination MAC changes.
  # (Kernel forwarding also decrements TTL, which IPVS-DR does not; nothing here depends on TTL.)
  in_ns director sysctl -qw net.ipv4.ip_forward=1 \
    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
    net.ipv4.fib_multipath_hash_policy=1
  local hops=()
  for n in "${REAL_SERVERS[@]}"; do hops+=(nexthop via "${PORT_IP[$n]}" dev eth0 onlink); done
  ip -n "$(ns director)" route add "$VIP/32" "${hops[@]}"

  # Real servers: VIP on lo, never answered for in ARP.
  for n in "${REAL_SERVERS[@]}"; do
    ip -n "$(ns "$n")" addr add "$VIP/32" dev lo
    in_ns "$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1 \
      net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_announce=2
  done

  choose_backend
  render_rules | in_ns compute "iptables-$(backend)-restore"
  for n in "${REAL_SERVERS[@]}"; do start_listener "$n"; done
  wait_listeners
  apply_scenario broken
  trap - EXIT
  log "up ($(backend) iptables): client $CLIENT_IP -> VIP $VIP:$SERVICE_PORT via director ${PORT_IP[director]} ($(tap director)), scenario broken"
}

cmd_down() {
  require_root
  local n name pids pid removed=0
  for n in client director "${REAL_SERVERS[@]}" compute; do
    name="$(ns "$n")"
    [[ -e "/run/netns/$name" ]] || continue
    removed=1
    # Only processes inside namespaces this lab created: the listeners (and any traffic run in flight).
    mapfile -t pids < <(ip netns pids "$name" 2>/dev/null || true)
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$name"
  done
  rm -rf "${STATE:?}"
  ((removed == 0)) || log "down"
}

# ---------------------------------------------------------------- scenarios

# Index (1-based) of the first rule of CHAIN whose `iptables -S` line contains TEXT; empty when none.
rule_index() {
  ipt -S "$1" | awk -v pat="$2" 'NR > 1 && index($0, pat) { print NR - 1; exit }'
}

set_local_accept() {
  local spec=(-m physdev --physdev-in "$(tap director)" --physdev-is-bridged -m comment --comment "$C_LOCAL_FIX" -j ACCEPT)
  if [[ "$1" == on ]]; then
    ipt -C "$WRAP-local" "${spec[@]}" 2>/dev/null || ipt -A "$WRAP-local" "${spec[@]}"
  else
    ipt -F "$WRAP-local"
  fi
}

# Allowed address pair 0.0.0.0/0 on the director port: Neutron renders it as a MAC-only RETURN after the VIP pair.
set_open_pair() {
  local s spec
  s="$(chain s director)"
  spec=(-m mac --mac-source "${PORT_MAC[director]^^}" -m comment --comment "$C_PAIR_ALLOW" -j RETURN)
  if [[ "$1" == on ]]; then
    ipt -C "$s" "${spec[@]}" 2>/dev/null || ipt -I "$s" 2 "${spec[@]}"
  else
    while ipt -C "$s" "${spec[@]}" 2>/dev/null; do ipt -D "$s" "${spec[@]}"; done
  fi
}

# Where the director's egress INVALID drop sits: "late" = Neutron's order (after the egress allow rules),
# "early" = ahead of them, where conntrack's verdict on a half-seen flow is enforced.
set_invalid_position() {
  local o spec inv est fb
  o="$(chain o director)"
  spec=(-m state --state INVALID -m comment --comment "$C_INVALID_DROP" -j DROP)
  inv="$(rule_index "$o" "--state INVALID")"
  est="$(rule_index "$o" "--state RELATED,ESTABLISHED")"
  [[ -n "$inv" && -n "$est" ]] || die "chain $o lost its conntrack rules"
  if [[ "$1" == early && "$inv" -gt "$est" ]]; then
    ipt -D "$o" "$inv"
    ipt -I "$o" "$est" "${spec[@]}"
  elif [[ "$1" == late && "$inv" -lt "$est" ]]; then
    ipt -D "$o" "$inv"
    fb="$(rule_index "$o" "-j $WRAP-sg-fallback")"
    ipt -I "$o" "$fb" "${spec[@]}"
  fi
}

# broken:   as built. The director's forwarded SYN (source = client) leaves tap38833ad6-c6, the s chain has no
#           pair for it: "Drop traffic without an IP/MAC allow rule." counts it; the client's connect times out.
# fixed:    the seed incident's fix, an ACCEPT in neutron-openvswi-local for what the director's tap forwards.
# pairs:    allowed address pair 0.0.0.0/0 on the director port, Neutron's own rule order. Works: the forwarded
#           ACK/data are INVALID in zone 4097 (that zone saw the SYN, never the SYN-ACK), but the egress allow
#           rules RETURN them before the INVALID drop is reached, so that drop stays at 0.
# halfflow: pairs, with the director's INVALID drop ahead of the egress allow rules. On this kernel: the SYN is
#           NEW in zone 4097 and passes; the real server's SYN-ACK goes straight to the client (zone of its own
#           port), so the client's connect() succeeds; the client's ACK and request reach zone 4097 while the
#           entry is still SYN_SENT, conntrack rules them INVALID ("ack in SYN_SENT"), they are dropped and
#           the request stalls. nf_conntrack_tcp_loose plays no part: the zone always holds the SYN's entry,
#           and loose pickup applies only to packets with no entry.
apply_scenario() {
  case "$1" in
    broken) set_local_accept off; set_open_pair off; set_invalid_position late ;;
    fixed) set_local_accept on; set_open_pair off; set_invalid_position late ;;
    pairs) set_local_accept off; set_open_pair on; set_invalid_position late ;;
    halfflow) set_local_accept off; set_open_pair on; set_invalid_position early ;;
    *) die "unknown scenario '$1' (broken|fixed|pairs|halfflow)" ;;
  esac
  # Old entries would carry state across scenarios; Neutron also deletes conntrack entries on rule changes.
  in_ns compute conntrack -F >/dev/null 2>&1
  echo "$1" >"$STATE/scenario"
}

cmd_scenario() {
  require_root
  require_up
  apply_scenario "$1"
  log "scenario $1"
}

cmd_traffic() {
  local n="$1" timeout="$2"
  if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n < 1 || n > 500)); then die "traffic: N must be 1..500"; fi
  [[ "$timeout" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "traffic: TIMEOUT must be seconds"
  require_root
  require_up
  in_ns client "$(python_bin)" -c "$PY_CLIENT" "$n" "$timeout" "$VIP" "$SERVICE_PORT"
}

cmd_save() {
  require_root
  require_up
  ipt_save
}

# ---------------------------------------------------------------- selftest

# Packets counted by the rule in CHAIN with COMMENT and target TARGET, from iptables-save -c.
rule_packets() {
  ipt_save -t filter | awk -v chain="$1" -v comment="--comment \"$2\"" -v target="-j $3" '
    index($0, "] -A " chain " ") && index($0, comment) && substr($0, length($0) - length(target) + 1) == target {
      sum += substr($1, 2, index($1, ":") - 2); found = 1
    }
    END { if (!found) exit 1; print sum + 0 }'
}

# Every anti-spoof and INVALID drop rule with its packet counter, one per line.
drop_snapshot() {
  ipt_save -t filter | awk -v a="$C_PAIR_DROP" -v b="$C_INVALID_DROP" '
    /^\[/ && (index($0, a) || index($0, b)) {
      print $3, substr($1, 2, index($1, ":") - 2), (index($0, a) ? "anti-spoof" : "INVALID")
    }'
}

expect() { # description, command that must succeed
  if "${@:2}"; then echo "  ok: $1"; else echo "  FAILED: $1" >&2; SELFTEST_FAILED=1; fi
}

contains() { [[ "$1" == *"$2"* ]]; }
matches() { [[ "$1" =~ $2 ]]; }

run_traffic() { # n timeout -> sets T_OK T_DETAIL
  local out err
  err="$(mktemp)"
  out="$(cmd_traffic "$1" "$2" 2>"$err")"
  T_DETAIL="$(grep '^detail:' "$err" || true)"
  rm -f "$err"
  [[ "$out" =~ ^ok=([0-9]+)\ failed=([0-9]+)$ ]] || die "traffic printed '$out'"
  T_OK="${BASH_REMATCH[1]}"
  echo "  traffic $1: $out  ($T_DETAIL)"
}

on_selftest_exit() {
  local rc=$?
  cmd_down >/dev/null 2>&1 || true
  exit "$rc"
}

cmd_selftest() {
  local started=$SECONDS before after s_dir o_dir snap0 snap1
  SELFTEST_FAILED=0
  cmd_up
  trap on_selftest_exit EXIT
  s_dir="$(chain s director)"; o_dir="$(chain o director)"

  echo "broken:"
  apply_scenario broken
  before="$(rule_packets "$s_dir" "$C_PAIR_DROP" DROP)"
  run_traffic 6 1
  after="$(rule_packets "$s_dir" "$C_PAIR_DROP" DROP)"
  expect "no connection succeeds (ok=$T_OK)" test "$T_OK" -eq 0
  expect "every connect() timed out" contains "$T_DETAIL" "connect_failed=6 "
  expect "$s_dir anti-spoof DROP rose ($before -> $after)" test "$after" -ge $((before + 6))

  echo "fixed:"
  apply_scenario fixed
  snap0="$(drop_snapshot)"
  run_traffic 12 2
  snap1="$(drop_snapshot)"
  expect "all connections answered (ok=$T_OK)" test "$T_OK" -eq 12
  expect "answers came from more than one real server ($T_DETAIL)" matches "$T_DETAIL" 'answered_by=rs=[0-9.]+,rs='
  expect "no anti-spoof or INVALID drop counter moved" test "$snap0" = "$snap1"
  [[ "$snap0" == "$snap1" ]] || diff <(echo "$snap0") <(echo "$snap1") >&2 || true

  echo "pairs (allowed pair 0.0.0.0/0, Neutron's rule order):"
  apply_scenario pairs
  snap0="$(drop_snapshot)"
  run_traffic 6 2
  snap1="$(drop_snapshot)"
  expect "all connections answered (ok=$T_OK)" test "$T_OK" -eq 6
  expect "no anti-spoof or INVALID drop counter moved" test "$snap0" = "$snap1"

  echo "halfflow:"
  apply_scenario halfflow
  before="$(rule_packets "$o_dir" "$C_INVALID_DROP" DROP)"
  run_traffic 6 1
  after="$(rule_packets "$o_dir" "$C_INVALID_DROP" DROP)"
  expect "no request is answered (ok=$T_OK)" test "$T_OK" -eq 0
  expect "handshakes completed at the client, then stalled" contains "$T_DETAIL" "stalled=6 "
  expect "$o_dir INVALID DROP rose ($before -> $after)" test "$after" -ge $((before + 6))

  echo "fixed again (healthy):"
  apply_scenario fixed
  snap0="$(drop_snapshot)"
  run_traffic 6 2
  snap1="$(drop_snapshot)"
  expect "all connections answered (ok=$T_OK)" test "$T_OK" -eq 6
  expect "no anti-spoof or INVALID drop counter moved" test "$snap0" = "$snap1"

  trap - EXIT
  cmd_down
  local ns_left
  ns_left="$(ip netns list | awk -v p="$PREFIX-" 'index($1, p) == 1' || true)"
  expect "down removed every namespace" test -z "$ns_left"
  echo "selftest took $((SECONDS - started))s"
  ((SELFTEST_FAILED == 0)) || die "selftest failed"
  echo "selftest passed"
}

# ---------------------------------------------------------------- main

main() {
  local cmd="${1:-help}"
  shift || true
  case "$cmd" in
    up) set_prefix "${1:-}"; cmd_up ;;
    down) set_prefix "${1:-}"; cmd_down ;;
    scenario) [[ $# -ge 1 ]] || die "usage: scenario broken|fixed|pairs|halfflow [PREFIX]"
      set_prefix "${2:-}"; cmd_scenario "$1" ;;
    traffic) [[ $# -ge 1 ]] || die "usage: traffic N [TIMEOUT [PREFIX]]"
      set_prefix "${3:-}"; cmd_traffic "$1" "${2:-2}" ;;
    save) set_prefix "${1:-}"; cmd_save ;;
    selftest) set_prefix "${1:-}"; cmd_selftest ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
