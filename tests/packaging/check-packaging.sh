#!/usr/bin/env bash
# Issue 25: both systemd units pass `systemd-analyze verify` without a word, and the agent's .deb installs, runs, keeps a
# changed conffile over a reinstall, and removes and purges cleanly. Needs root (dpkg -i) and systemd-analyze.
#   tests/packaging/check-packaging.sh AGENT_PUBLISH_DIR SERVER_PUBLISH_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
agent_publish=$(realpath "$1")
server_publish=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-packaging.sh: $*" >&2; exit 1; }

# verify exits 0 on unknown keys and bad values (it only warns): any output is a failure here.
verify_unit() {
  local out
  out=$(systemd-analyze verify "$1" 2>&1) || fail "systemd-analyze verify $1 failed: $out"
  [ -z "$out" ] || fail "systemd-analyze verify $1: $out"
}

# The server's unit names /opt/lvs-dashboard/Dashboard.Server, which verify requires to exist: point it at the published one.
sed "s|/opt/lvs-dashboard/Dashboard.Server|$server_publish/Dashboard.Server|" \
  src/Dashboard.Server/deploy/dashboard-server.service > "$work/dashboard-server.service"
verify_unit "$work/dashboard-server.service"
echo "dashboard-server.service: verified"

if dpkg-query -W dashboard-agent >/dev/null 2>&1; then
  fail "a dashboard-agent package is installed on this machine already; not touching it"
fi
deb=$(src/Dashboard.Agent/deploy/build-deb.sh "$agent_publish" "$work")
dpkg -i "$deb"
expected=$("$agent_publish/dashboard-agent" version)
[ "$(dashboard-agent version)" = "$expected" ] || fail "installed dashboard-agent version: '$(dashboard-agent version)', expected '$expected'"
[ "$(command -v dashboard-agent)" = /usr/bin/dashboard-agent ] || fail "dashboard-agent is not /usr/bin/dashboard-agent"
verify_unit /lib/systemd/system/dashboard-agent.service
echo "dashboard-agent.service (installed): verified"

getent passwd dashboard-agent >/dev/null || fail "postinst made no dashboard-agent user"
[ "$(stat -c '%U:%G %a' /etc/dashboard-agent/agent.json)" = "root:dashboard-agent 640" ] || fail "agent.json: $(stat -c '%U:%G %a' /etc/dashboard-agent/agent.json)"
dpkg-query -W -f='${Conffiles}\n' dashboard-agent | grep -q '^ /etc/dashboard-agent/agent.json ' || fail "agent.json is not a conffile"
# The service's user reads its configuration: a dry run collects (nothing on this machine) and prints the batch.
setpriv --reuid=dashboard-agent --regid=dashboard-agent --init-groups \
  dashboard-agent once --config /etc/dashboard-agent/agent.json --dry-run | grep -q '"host":"lvs-director-1"' \
  || fail "the dashboard-agent user could not dry-run the installed agent.json"

# A reinstall: postinst runs again over the existing user, and the administrator's agent.json stays.
echo '// changed by the administrator' >> /etc/dashboard-agent/agent.json
dpkg -i "$deb"
grep -q 'changed by the administrator' /etc/dashboard-agent/agent.json || fail "a reinstall replaced the changed agent.json"
[ "$(getent passwd dashboard-agent | wc -l)" = 1 ] || fail "the reinstall made a second dashboard-agent user"

dpkg --remove dashboard-agent
[ ! -e /usr/bin/dashboard-agent ] && [ ! -e /lib/systemd/system/dashboard-agent.service ] || fail "remove left the binary or the unit"
[ -e /etc/dashboard-agent/agent.json ] || fail "remove took the conffile (only purge may)"
dpkg --purge dashboard-agent
[ ! -e /etc/dashboard-agent ] && [ ! -e /var/lib/dashboard-agent ] || fail "purge left /etc/dashboard-agent or /var/lib/dashboard-agent"
echo "dashboard-agent .deb: installed, ran, reinstalled, removed and purged ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
