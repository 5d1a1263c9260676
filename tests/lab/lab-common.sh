# What lab.sh and ovs-lab.sh share: the seed incident's addresses and ports, the real servers' listener, the client,
# and the small helpers. Sourced by both after they set LAB_NAME.

readonly UPLINK=uplink0
readonly CLIENT_IP=10.0.19.92
readonly CLIENT_MAC=52:54:00:13:00:5c
readonly VIP=10.1.26.252
readonly SERVICE_PORT=10051

# Ports on the compute node, sorted by port id as the agent processes them.
readonly PORTS=(director rs1 rs2 rs3)
declare -rA PORT_ID=(
  [director]=38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4
  [rs1]=5d0f17b2-3e8a-4c61-b7d4-0a9e26f3c815
  [rs2]=9a4c3e58-71f0-4d2b-8e6a-d3b90c1f47e2
  [rs3]=e27b8d40-5c13-4a9f-a0e7-6f42c8b1d930
)
declare -rA PORT_IP=([director]=10.1.26.144 [rs1]=10.1.26.139 [rs2]=10.1.26.140 [rs3]=10.1.26.141)
declare -rA PORT_MAC=([director]=fa:16:3e:c4:20:c7 [rs1]=fa:16:3e:6b:2d:91 [rs2]=fa:16:3e:1f:a8:54 [rs3]=fa:16:3e:93:07:ce)
readonly REAL_SERVERS=(rs1 rs2 rs3)

# Real server: answers one request line with its own address, like a trapper answering a sender.
readonly PY_LISTENER='
import socketserver, sys
ADDR = sys.argv[1]
class Handler(socketserver.StreamRequestHandler):
    timeout = 10
    def handle(self):
        try:
            if self.rfile.readline(512):
                self.wfile.write(("rs=" + ADDR + "\n").encode())
        except OSError:
            pass
class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
Server(("0.0.0.0", int(sys.argv[2])), Handler).serve_forever()
'

# Client: N concurrent attempts, each bounded by TIMEOUT for connect and again for the answer.
readonly PY_CLIENT='
import socket, sys, threading
n, timeout, vip, port = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
results, lock = [], threading.Lock()
def attempt():
    outcome, server = "ok", None
    try:
        sock = socket.create_connection((vip, port), timeout=timeout)
    except OSError:
        outcome = "connect_failed"
    else:
        try:
            sock.settimeout(timeout)
            sock.sendall(b"ping\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(512)
                if not chunk:
                    break
                data += chunk
            if data.endswith(b"\n"):
                server = data.decode().strip()
            else:
                outcome = "stalled"
        except OSError:
            outcome = "stalled"
        finally:
            sock.close()
    with lock:
        results.append((outcome, server))
threads = [threading.Thread(target=attempt) for _ in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ok = sum(1 for o, _ in results if o == "ok")
print("ok=%d failed=%d" % (ok, n - ok))
servers = sorted({s for _, s in results if s})
print("detail: connect_failed=%d stalled=%d answered_by=%s" % (
    sum(1 for o, _ in results if o == "connect_failed"),
    sum(1 for o, _ in results if o == "stalled"),
    ",".join(servers) or "-"), file=sys.stderr)
'

die() { echo "$LAB_NAME: $*" >&2; exit 1; }
# Exit 77: the tests read it as "this machine cannot run the lab", not as a failure of the product.
unavailable() { echo "lab unavailable: $*" >&2; exit 77; }
log() { echo "$LAB_NAME[$PREFIX]: $*" >&2; }
ns() { echo "$PREFIX-$1"; }
in_ns() { local n="$1"; shift; ip netns exec "$(ns "$n")" "$@"; }
tap() { local id="${PORT_ID[$1]}"; echo "tap${id:0:11}"; }

python_bin() {
  if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

# Debian packages, installed when a command the lab needs is missing: install_missing package...
install_missing() {
  (($# == 0)) && return 0
  local packages
  mapfile -t packages < <(printf '%s\n' "$@" | sort -u)
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${packages[@]}" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "${packages[@]}" >&2; } \
    || die "cannot install ${packages[*]}"
}
