#!/usr/bin/env bash
# LVS direct routing behind a compute node running Neutron's Open vSwitch firewall driver, rebuilt in network namespaces
# around a private Open vSwitch (userspace datapath, datapath_type=netdev: no kernel module). Usage: see README.md.
set -euo pipefail

PREFIX="${LAB_PREFIX:-ovslab}"
STATE_ROOT="${LAB_STATE_ROOT:-/run/ovslab}"
LAB_NAME=ovs-lab
# shellcheck source=lab-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lab-common.sh"

# OpenFlow port numbers, in the order the ports are added; register 5 carries them as the OVS firewall does.
declare -rA OFPORT=([director]=1 [rs1]=2 [rs2]=3 [rs3]=4)

vsctl() { ovs-vsctl --db="unix:$STATE/db.sock" "$@"; }

set_prefix() {
  [[ -n "${1:-}" ]] && PREFIX="$1"
  [[ "$PREFIX" =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "prefix must be 1-8 lowercase letters/digits"
  STATE="$STATE_ROOT/$PREFIX"
}

usage() {
  cat <<USAGE
ovs-lab.sh up [PREFIX]            build the lab (scenario broken) and print the br-int management socket
ovs-lab.sh scenario broken|fixed  [PREFIX]  without / with 0.0.0.0/0 in the director port's allowed pairs
ovs-lab.sh traffic N [TIMEOUT [PREFIX]]     N client requests to the VIP; prints ok=… failed=…
ovs-lab.sh stray N [PREFIX]       N TCP SYN-ACKs from the client to the VIP that no connection expects (conntrack INVALID)
ovs-lab.sh flows [PREFIX]         ovs-ofctl show, ovs-vsctl list Interface (csv) and dump-flows of br-int, as the agent's ovs collector reads them
ovs-lab.sh down [PREFIX]          remove everything the lab built
USAGE
}

ensure_tools() {
  local missing=()
  command -v ovs-vswitchd >/dev/null 2>&1 || missing+=(openvswitch-switch)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v ethtool >/dev/null 2>&1 || missing+=(ethtool)
  install_missing "${missing[@]}"
}

# The OVS firewall driver's pipeline for one port (neutron openvswitch_firewall, tables 60-94, conntrack zone per network in
# register 6): egress lets the port's IP/MAC pairs (its own address and the VIP) into conntrack and drops the rest
# (anti-spoof); ingress runs conntrack and the security group (director: everything in, real servers: TCP $SERVICE_PORT).
port_flows() {
  local p="$1" r="0x${OFPORT[$1]}" in="${OFPORT[$1]}" mac="${PORT_MAC[$1]}" pair match="ip"
  [[ "$p" == director ]] || match="tcp,tp_dst=$SERVICE_PORT"
  echo "table=60,priority=100,in_port=$in,actions=load:$r->NXM_NX_REG5[],load:0x1->NXM_NX_REG6[],resubmit(,71)"
  echo "table=60,priority=90,dl_dst=$mac,actions=load:$r->NXM_NX_REG5[],load:0x1->NXM_NX_REG6[],resubmit(,81)"
  echo "table=71,priority=95,arp,reg5=$r,in_port=$in,dl_src=$mac,arp_spa=${PORT_IP[$p]},actions=resubmit(,94)"
  for pair in "${PORT_IP[$p]}" "$VIP"; do
    echo "table=71,priority=65,ip,reg5=$r,in_port=$in,dl_src=$mac,nw_src=$pair,actions=ct(table=72,zone=NXM_NX_REG6[0..15])"
  done
  echo "table=71,priority=10,reg5=$r,in_port=$in,actions=ct_clear,resubmit(,93)"
  echo "table=72,priority=74,ct_state=+est-rel-rpl,ip,reg5=$r,actions=resubmit(,73)"
  echo "table=72,priority=74,ct_state=+new-est,ip,reg5=$r,actions=resubmit(,73)"
  echo "table=72,priority=50,ct_state=+est-rel+rpl,ct_zone=1,ct_mark=0,reg5=$r,actions=resubmit(,94)"
  echo "table=72,priority=40,ct_state=-est,reg5=$r,actions=resubmit(,93)"
  echo "table=73,priority=100,reg6=0x1,dl_dst=$mac,actions=load:$r->NXM_NX_REG5[],resubmit(,81)"
  echo "table=73,priority=90,ct_state=+new-est,ip,reg5=$r,actions=ct(commit,zone=NXM_NX_REG6[0..15]),resubmit(,91)"
  echo "table=73,priority=80,reg5=$r,actions=resubmit(,94)"
  echo "table=81,priority=100,arp,reg5=$r,actions=output:$in"
  echo "table=81,priority=90,ct_state=-trk,ip,reg5=$r,actions=ct(table=82,zone=NXM_NX_REG6[0..15])"
  echo "table=81,priority=80,ct_state=+trk,reg5=$r,actions=resubmit(,82)"
  echo "table=82,priority=77,ct_state=+est-rel-rpl,$match,reg5=$r,actions=output:$in"
  echo "table=82,priority=77,ct_state=+new-est,$match,reg5=$r,actions=ct(commit,zone=NXM_NX_REG6[0..15]),output:$in,resubmit(,92)"
  echo "table=82,priority=50,ct_state=+est-rel+rpl,ct_zone=1,ct_mark=0,reg5=$r,actions=output:$in"
  echo "table=82,priority=40,ct_state=-est,reg5=$r,actions=resubmit(,93)"
}

render_flows() {
  local p
  echo "table=0,priority=0,actions=resubmit(,60)"
  for p in "${PORTS[@]}"; do port_flows "$p"; done
  echo "table=60,priority=3,actions=NORMAL"
  echo "table=71,priority=0,actions=drop"
  echo "table=72,priority=50,ct_state=+inv+trk,actions=resubmit(,93)"
  echo "table=72,priority=0,actions=drop"
  echo "table=73,priority=0,actions=drop"
  echo "table=81,priority=0,actions=drop"
  echo "table=82,priority=50,ct_state=+inv+trk,actions=resubmit(,93)"
  echo "table=82,priority=0,actions=drop"
  echo "table=91,priority=1,actions=resubmit(,94)"
  echo "table=92,priority=0,actions=drop"
  echo "table=93,priority=0,actions=drop"
  echo "table=94,priority=1,actions=NORMAL"
}

start_ovs() {
  mkdir -p "$STATE"
  ovsdb-tool create "$STATE/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ovsdb-server "$STATE/conf.db" --remote="punix:$STATE/db.sock" --pidfile="$STATE/ovsdb.pid" --detach \
    --log-file="$STATE/ovsdb.log" --unixctl="$STATE/ovsdb.ctl" 2>>"$STATE/start.log"
  vsctl --no-wait init
  OVS_RUNDIR="$STATE" ovs-vswitchd "unix:$STATE/db.sock" --pidfile="$STATE/vswitchd.pid" --detach \
    --log-file="$STATE/vswitchd.log" --unixctl="$STATE/vswitchd.ctl" 2>>"$STATE/start.log" \
    || unavailable "ovs-vswitchd does not start: $(tail -n 2 "$STATE/vswitchd.log" 2>/dev/null | tr '\n' ' ')"
  # The userspace datapath: no openvswitch kernel module needed.
  vsctl add-br br-int -- set bridge br-int datapath_type=netdev fail_mode=secure \
    || unavailable "Open vSwitch cannot create a userspace bridge: $(tail -n 2 "$STATE/vswitchd.log" | tr '\n' ' ')"
}

plug() { # namespace, host-side name, ofport, mac, address/len
  ip link add "$2" type veth peer name eth0 netns "$(ns "$1")"
  ip link set "$2" up
  # The userspace datapath does not complete checksums a veth left to offload.
  in_ns "$1" ethtool -K eth0 tx off >/dev/null
  ethtool -K "$2" tx off >/dev/null
  local ids=()
  # VM ports carry what Nova's os-vif writes for Neutron: the port id and the VM's MAC.
  [[ -n "${PORT_ID[$1]:-}" ]] && ids=(external_ids:iface-id="${PORT_ID[$1]}" external_ids:iface-status=active external_ids:attached-mac="$4")
  vsctl add-port br-int "$2" -- set interface "$2" ofport_request="$3" "${ids[@]}"
  ip -n "$(ns "$1")" link set eth0 address "$4" up
  ip -n "$(ns "$1")" addr add "$5" dev eth0
}

cmd_up() {
  [[ "$(id -u)" -eq 0 ]] || unavailable "network namespaces need root; running as uid $(id -u)"
  ensure_tools
  cmd_down >/dev/null 2>&1 || true
  trap 'rc=$?; ((rc == 0)) || cmd_down >/dev/null 2>&1 || true; exit $rc' EXIT
  local n err hops=()
  for n in client "${PORTS[@]}"; do
    err="$(ip netns add "$(ns "$n")" 2>&1)" || unavailable "cannot create network namespace $(ns "$n"): $err"
    in_ns "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$(ns "$n")" link set lo up
  done
  start_ovs
  for n in "${PORTS[@]}"; do
    plug "$n" "$(tap "$n")" "${OFPORT[$n]}" "${PORT_MAC[$n]}" "${PORT_IP[$n]}/24"
    ip -n "$(ns "$n")" route add 10.0.19.0/24 dev eth0 scope link
  done
  plug client "$PREFIX-$UPLINK" 10 "$CLIENT_MAC" "$CLIENT_IP/24"
  ip -n "$(ns client)" route add 10.1.26.0/24 dev eth0 scope link
  ip -n "$(ns client)" neigh replace "$VIP" lladdr "${PORT_MAC[director]}" dev eth0 nud permanent

  # Director: forwards VIP traffic without holding the VIP; only the destination MAC changes (as IPVS-DR does).
  in_ns director sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.fib_multipath_hash_policy=1
  for n in "${REAL_SERVERS[@]}"; do hops+=(nexthop via "${PORT_IP[$n]}" dev eth0 onlink); done
  ip -n "$(ns director)" route add "$VIP/32" "${hops[@]}"
  for n in "${REAL_SERVERS[@]}"; do
    ip -n "$(ns "$n")" addr add "$VIP/32" dev lo
    in_ns "$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1 \
      net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_announce=2
    ip netns exec "$(ns "$n")" setsid "$(python_bin)" -c "$PY_LISTENER" "${PORT_IP[$n]}" "$SERVICE_PORT" </dev/null >>"$STATE/$n.log" 2>&1 &
  done

  render_flows | ovs-ofctl add-flows "unix:$STATE/br-int.mgmt" -
  for n in "${REAL_SERVERS[@]}"; do
    for _ in $(seq 50); do [[ -n "$(in_ns "$n" ss -Htln "sport = :$SERVICE_PORT")" ]] && continue 2; sleep 0.1; done
    die "listener on $n did not start"
  done
  trap - EXIT
  log "up (Open vSwitch $(ovs-vswitchd --version | awk 'NR == 1 { print $NF }'), datapath netdev): client $CLIENT_IP -> VIP $VIP:$SERVICE_PORT via director ${PORT_IP[director]} ($(tap director)), scenario broken"
  echo "unix:$STATE/br-int.mgmt"
}

cmd_down() {
  [[ "$(id -u)" -eq 0 ]] || die "root needed"
  local n name pid
  for n in client "${PORTS[@]}"; do
    name="$(ns "$n")"
    [[ -e "/run/netns/$name" ]] || continue
    for pid in $(ip netns pids "$name" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    ip netns del "$name"
  done
  for pid in vswitchd ovsdb; do
    [[ -f "$STATE/$pid.pid" ]] && kill -TERM "$(cat "$STATE/$pid.pid")" 2>/dev/null || true
  done
  for n in "${PORTS[@]}"; do ip link del "$(tap "$n")" 2>/dev/null || true; done
  ip link del "$PREFIX-$UPLINK" 2>/dev/null || true
  rm -rf "${STATE:?}"
}

cmd_scenario() {
  local fix="table=71,priority=65,ip,reg5=0x1,in_port=1,dl_src=${PORT_MAC[director]},nw_src=0.0.0.0/0"
  case "$1" in
    # What Neutron installs for an allowed address pair 0.0.0.0/0 on the director port.
    fixed) echo "$fix,actions=ct(table=72,zone=NXM_NX_REG6[0..15])" | ovs-ofctl add-flows "unix:$STATE/br-int.mgmt" - ;;
    broken) ovs-ofctl --strict del-flows "unix:$STATE/br-int.mgmt" "$fix" ;;
    *) die "scenario: broken or fixed" ;;
  esac
  log "scenario $1"
}

cmd_traffic() {
  [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 500)) || die "traffic: N must be 1..500"
  in_ns client "$(python_bin)" -c "$PY_CLIENT" "$1" "${2:-2}" "$VIP" "$SERVICE_PORT"
}

# TCP SYN-ACKs for connections nobody opened, to the VIP (so to the director's port): replies whose requests took
# another path. The port's conntrack has no entry for them and cannot start one with a SYN-ACK: INVALID, table 82.
readonly PY_STRAY='
import random, socket, struct, sys
n, src, dst, port = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
def checksum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
for _ in range(n):
    sport = random.randint(20000, 60000)
    header = struct.pack("!HHIIBBHHH", sport, port, random.getrandbits(32), random.getrandbits(32), 5 << 4, 0x12, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(header))
    header = header[:16] + struct.pack("!H", checksum(pseudo + header)) + header[18:]
    sock.sendto(header, (dst, 0))
print(f"sent={n}")
'

cmd_stray() {
  [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 500)) || die "stray: N must be 1..500"
  in_ns client "$(python_bin)" -c "$PY_STRAY" "$1" "$CLIENT_IP" "$VIP" "$SERVICE_PORT"
}

cmd_flows() {
  ovs-ofctl show "unix:$STATE/br-int.mgmt"
  vsctl --format=csv --columns=name,ofport,external_ids list Interface
  ovs-ofctl dump-flows "unix:$STATE/br-int.mgmt"
}

main() {
  local cmd="${1:-help}"
  shift || true
  case "$cmd" in
    up) set_prefix "${1:-}"; cmd_up ;;
    down) set_prefix "${1:-}"; cmd_down ;;
    scenario) set_prefix "${2:-}"; cmd_scenario "${1:-}" ;;
    traffic) set_prefix "${3:-}"; cmd_traffic "${1:-1}" "${2:-2}" ;;
    stray) set_prefix "${2:-}"; cmd_stray "${1:-1}" ;;
    flows) set_prefix "${1:-}"; cmd_flows ;;
    *) usage ;;
  esac
}

main "$@"
