#!/usr/bin/env bash
# Issue 25, outside CI (4 to 10 minutes: 3 min 52 s measured; the demo fails once every 6 minutes): imports src/Dashboard.Server/deploy/zabbix/lvs-dr-dashboard-template.yaml into
# Debian's Zabbix 6.0 (server and PHP frontend API, on a private PostgreSQL, all on loopback), links it to a host that polls
# the dashboard started with --demo, and checks that discovery finds every virtual service and real server the read API
# lists, that the items get the API's values, and that the demo's seed-1 failure raises the SYN_RECV trigger and a trigger
# for the dr-forward-drop finding. Needs root; installs what is missing. Run after `dotnet build src/Dashboard.Server -c Release`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
started=$(date +%s)
fail() { echo "check-zabbix-template.sh: $*" >&2; exit 1; }
say() { echo "[$(( $(date +%s) - started )) s] $*"; }

missing=()
command -v zabbix_server >/dev/null 2>&1 || missing+=(zabbix-server-pgsql)
[ -f /usr/share/zabbix/api_jsonrpc.php ] || missing+=(zabbix-frontend-php)
command -v php >/dev/null 2>&1 || missing+=(php-cli)
php -m 2>/dev/null | grep -qx pgsql || missing+=(php-pgsql)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
fi
pgbin=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -1)")
server_bin="$root/src/Dashboard.Server/bin/Release/net10.0/linux-x64/Dashboard.Server"
[ -x "$server_bin" ] || fail "build the server first: dotnet build src/Dashboard.Server -c Release"

# Zabbix takes listening ports up to 32767 only.
free_port() {
  python3 -c '
import random, socket
while True:
    port = random.randint(20000, 32767)
    with socket.socket() as s:
        try: s.bind(("127.0.0.1", port)); print(port); break
        except OSError: pass'
}
work=$(mktemp -d /tmp/lvsd-zabbix-XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/zabbix_server.pid" ]; then
    local zbx
    zbx=$(cat "$work/zabbix_server.pid")
    kill "$zbx" 2>/dev/null || true
    # Its children (HA manager, pollers) stop after the main process has told them to; the database goes last.
    for _ in $(seq 60); do kill -0 "$zbx" 2>/dev/null || break; sleep 0.5; done
  fi
  [ -d "$work/pg" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  sleep 2
  rm -rf "$work" 2>/dev/null || { sleep 5; rm -rf "$work"; }
}
trap cleanup EXIT
trap "exit 1" INT TERM

# PostgreSQL for Zabbix, its own cluster on a loopback port.
pg_port=$(free_port)
install -d -o postgres -g postgres "$work/pg" "$work/pgsock" "$work/pglog"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -U postgres -A trust >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pglog/pg.log" -w \
  -o "-p $pg_port -k $work/pgsock -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
psql=("$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" -c 'CREATE DATABASE zabbix' >/dev/null
for part in schema images data; do
  zcat "/usr/share/zabbix-server-pgsql/$part.sql.gz" | "${psql[@]}" -d zabbix >/dev/null
done
say "Zabbix database created on 127.0.0.1:$pg_port"

# Zabbix server: picks up new hosts and items every 5 s instead of every minute.
zbx_port=$(free_port)
cat > "$work/zabbix_server.conf" <<CONF
ListenIP=127.0.0.1
ListenPort=$zbx_port
PidFile=$work/zabbix_server.pid
SocketDir=$work/zbxsock
LogFile=$work/zabbix_server.log
DBHost=127.0.0.1
DBPort=$pg_port
DBName=zabbix
DBUser=postgres
AllowRoot=1
CacheUpdateFrequency=5
StartPollers=2
StartHTTPPollers=2
StartPreprocessors=2
StartDiscoverers=1
StartPingers=0
Timeout=10
CONF
mkdir -p "$work/zbxsock"
zabbix_server -c "$work/zabbix_server.conf"

# The frontend, served by PHP's own server from a copy that carries this run's configuration.
cp -r /usr/share/zabbix "$work/frontend"
# Debian's frontend reads /etc/zabbix/zabbix.conf.php; this copy reads its own, so the machine's configuration is untouched.
sed -i "s|const CONFIG_FILE_PATH = .*|const CONFIG_FILE_PATH = '$work/frontend/conf/zabbix.conf.php';|" "$work/frontend/include/classes/core/CConfigFile.php"
cat > "$work/frontend/conf/zabbix.conf.php" <<PHP
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '127.0.0.1';
\$DB['PORT'] = '$pg_port';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = 'postgres';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '$zbx_port';
\$ZBX_SERVER_NAME = 'lvsd-test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
PHP
web_port=$(free_port)
php -S "127.0.0.1:$web_port" -t "$work/frontend" >"$work/php.log" 2>&1 &
pids+=($!)

# The dashboard with its simulated fleet, and a reader token for Zabbix.
dash_port=$(free_port)
Dashboard__DataDir="$work/dashboard" "$server_bin" --demo --urls "http://127.0.0.1:$dash_port" >"$work/dashboard.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$dash_port/readyz" >/dev/null 2>&1 && break; sleep 1; done
curl -sf "http://127.0.0.1:$dash_port/readyz" >/dev/null || fail "the dashboard did not get ready: $(tail -5 "$work/dashboard.log")"
token=$(Dashboard__DataDir="$work/dashboard" "$server_bin" token create --name zabbix --role reader | tail -1)
say "dashboard (demo) on 127.0.0.1:$dash_port, Zabbix frontend on 127.0.0.1:$web_port"

# Everything below talks to the two APIs, in Python for the JSON.
python3 - "$web_port" "$dash_port" "$token" "$root/src/Dashboard.Server/deploy/zabbix/lvs-dr-dashboard-template.yaml" <<'PY'
import json, sys, time, urllib.request
web_port, dash_port, token, template_file = sys.argv[1:]
started = time.time()
def say(message): print(f"  [{time.time() - started:5.0f} s] {message}", flush=True)
api_url = f"http://127.0.0.1:{web_port}/api_jsonrpc.php"
auth = None
def zabbix(method, params):
    body = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
    if auth: body["auth"] = auth
    request = urllib.request.Request(api_url, json.dumps(body).encode(), {"Content-Type": "application/json-rpc"})
    reply = json.load(urllib.request.urlopen(request, timeout=60))
    if "error" in reply: raise SystemExit(f"{method}: {reply['error']}")
    return reply["result"]
def dashboard(path):
    request = urllib.request.Request(f"http://127.0.0.1:{dash_port}{path}", headers={"Authorization": f"Bearer {token}"})
    return json.load(urllib.request.urlopen(request, timeout=30))
def wait(what, check, seconds):
    deadline = time.time() + seconds
    while True:
        result = check()
        if result: return result
        if time.time() > deadline: raise SystemExit(f"not within {seconds} s: {what}")
        time.sleep(5)

for _ in range(60):
    try:
        auth = zabbix("user.login", {"username": "Admin", "password": "zabbix"}); break
    except OSError: time.sleep(1)
say("Zabbix API: logged in")

# Import exactly as a Zabbix user would (Data collection > Templates > Import).
rules = {k: {"createMissing": True, "updateExisting": True} for k in ("templates", "items", "discoveryRules", "triggers")}
rules["groups"] = {"createMissing": True}
zabbix("configuration.import", {"format": "yaml", "source": open(template_file).read(), "rules": rules})
template = zabbix("template.get", {"filter": {"host": "LVS-DR health dashboard by HTTP"}})[0]
group = zabbix("hostgroup.create", {"name": "LVS-DR"})["groupids"][0]
host = zabbix("host.create", {"host": "lvs-dashboard", "groups": [{"groupid": group}], "templates": [{"templateid": template["templateid"]}],
    "macros": [{"macro": "{$LVSD.URL}", "value": f"http://127.0.0.1:{dash_port}"}, {"macro": "{$LVSD.TOKEN}", "value": token, "type": 1},
               {"macro": "{$LVSD.INTERVAL}", "value": "10s"}, {"macro": "{$LVSD.SYNRECV.FOR}", "value": "20s"}]})["hostids"][0]
say("template imported and linked to host lvs-dashboard")

vips = dashboard("/api/v1/vips")
servers = [(v["director"], v["protocol"], v["virtual"], r) for v in vips for r in v["realServers"]]
def items(key):
    return zabbix("item.get", {"hostids": host, "search": {"key_": key}, "startSearch": True, "output": ["key_", "lastvalue", "lastclock", "state", "error"]})
def discovered(key, expected):
    found = [i for i in items(key) if i["lastclock"] != "0"]
    return found if len(found) == expected else None
vip_ratio = wait(f"{len(vips)} VIP SYN_RECV ratio items with values", lambda: discovered("lvsd.vip.synrecv.ratio[", len(vips)), 240)
say(f"virtual services discovered with values: {len(vip_ratio)} (API: {len(vips)})")
weights = wait(f"{len(servers)} real server weight items with values", lambda: discovered("lvsd.rs.weight[", len(servers)), 240)
say(f"real servers discovered with values: {len(weights)} (API: {len(servers)})")
for director, protocol, virtual, server in servers:
    key = f"lvsd.rs.weight[{director},{protocol},{virtual},{server['address']}]"
    value = next(i["lastvalue"] for i in weights if i["key_"] == key)
    if int(value) != server["weight"]: raise SystemExit(f"{key}: Zabbix {value}, API {server['weight']}")
unsupported = [i for i in items("lvsd.") if i["state"] == "1"]
if unsupported: raise SystemExit(f"unsupported items: {[(i['key_'], i['error']) for i in unsupported][:5]}")
say("every real server's weight in Zabbix equals the API's; no item is unsupported")

# The demo replays seed 1 every 6 minutes: lvs-a's Zabbix proxies pile up in SYN_RECV and dr-forward-drop opens.
def problems(name):
    return [t for t in zabbix("trigger.get", {"hostids": host, "search": {"description": name}, "filter": {"value": 1},
        "output": ["description", "priority"], "expandDescription": True})]
synrecv = wait("the SYN_RECV ratio trigger of 10.1.26.252:10051 on lvs-a", lambda: problems("VIP 10.1.26.252:10051 on lvs-a"), 480)
say(f"problem: {synrecv[0]['description']}")
finding = wait("a dr-forward-drop finding trigger", lambda: problems("LVS-DR dr-forward-drop"), 300)
active = [f for f in dashboard("/api/v1/findings?active=true") if f["kind"] == "dr-forward-drop"]
zabbix_priority = {"info": "1", "warning": "2", "critical": "4"}
if active and finding[0]["priority"] != zabbix_priority[active[0]["severity"]]:
    raise SystemExit(f"the finding's trigger has priority {finding[0]['priority']}, its severity is {active[0]['severity']}")
say(f"problem: {finding[0]['description']} (priority {finding[0]['priority']}; API severity {active[0]['severity'] if active else 'resolved meanwhile'})")
PY
say "Zabbix template checked"
