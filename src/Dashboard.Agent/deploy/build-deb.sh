#!/usr/bin/env bash
# Builds dashboard-agent_VERSION_amd64.deb from the NativeAOT publish output: the binary in /usr/bin, the systemd unit,
# a system user made at install, /etc/dashboard-agent/agent.json as a conffile, the examples and README in /usr/share/doc.
#   src/Dashboard.Agent/deploy/build-deb.sh [PUBLISH_DIR] [OUT_DIR]
# Without PUBLISH_DIR it publishes first (dotnet publish src/Dashboard.Agent -c Release). Prints the .deb's path last.
set -euo pipefail
deploy=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$deploy")
publish=${1:-}
out=${2:-$PWD}

if [ -z "$publish" ]; then
  publish=$(mktemp -d)
  dotnet publish "$project" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$publish" >&2
fi
binary="$publish/dashboard-agent"
[ -x "$binary" ] || { echo "build-deb.sh: no executable $binary (publish the agent first)" >&2; exit 2; }
# A managed build has its dashboard-agent.dll beside the launcher; the package carries the one native file.
[ ! -e "$publish/dashboard-agent.dll" ] || { echo "build-deb.sh: $publish holds a managed build; publish with NativeAOT (the default for Release)" >&2; exit 2; }

# "dashboard-agent 0.1.0+54ab26bf…" -> 0.1.0+g54ab26b (Debian allows + in the upstream version).
informational=$("$binary" version | awk '{print $2}')
version=${informational%%+*}
if [[ "$informational" == *+* ]]; then
  commit=${informational#*+}
  version="$version+g${commit:0:7}"
fi

# The newest glibc symbol version the binary needs; TLS (https Server, NSX API) loads libssl at run time.
glibc=$(objdump -T "$binary" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -1 || true)
libc_dep="libc6${glibc:+ (>= $glibc)}"

root=$(mktemp -d)
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$binary" "$root/usr/bin/dashboard-agent"
install -D -m 0644 "$deploy/dashboard-agent.service" "$root/lib/systemd/system/dashboard-agent.service"
install -D -m 0640 "$project/examples/director.json" "$root/etc/dashboard-agent/agent.json"
for example in "$project"/examples/*.json; do
  install -D -m 0644 "$example" "$root/usr/share/doc/dashboard-agent/examples/$(basename "$example")"
done
install -D -m 0644 "$project/README.md" "$root/usr/share/doc/dashboard-agent/README.md"
install -d -m 0755 "$root/DEBIAN"

cat > "$root/DEBIAN/control" <<CONTROL
Package: dashboard-agent
Version: $version
Architecture: amd64
Maintainer: LVS-DR health dashboard <root@localhost>
Section: net
Priority: optional
Depends: $libc_dep, libssl3 | libssl1.1, passwd
Recommends: ca-certificates, ipvsadm, iptables
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Description: LVS-DR cluster health agent
 Collects IPVS connection states, keepalived VRRP states, Neutron iptables
 counters and NSX distributed firewall drops, and pushes them to the LVS-DR
 health dashboard, spooling to disk while the server is away.
CONTROL

echo /etc/dashboard-agent/agent.json > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  # Idempotent: an upgrade or a reinstall finds the user already there.
  if ! getent passwd dashboard-agent >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/dashboard-agent --no-create-home --shell /usr/sbin/nologin \
      --comment "LVS-DR health agent" dashboard-agent
  fi
  # The token and passwords live beside agent.json: readable by root and the agent only.
  chown root:dashboard-agent /etc/dashboard-agent /etc/dashboard-agent/agent.json
  chmod 0750 /etc/dashboard-agent
  chmod 0640 /etc/dashboard-agent/agent.json
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    # Not enabled here: agent.json needs the server's address and a token first. An upgrade restarts a running agent.
    systemctl try-restart dashboard-agent.service || true
  fi
fi
exit 0
SCRIPT

cat > "$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  # SIGTERM: the batch in hand is finished and spooled before the binary goes.
  systemctl disable --now dashboard-agent.service >/dev/null 2>&1 || true
fi
exit 0
SCRIPT

cat > "$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
case "$1" in
  remove)
    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
    ;;
  purge)
    # The spool and the sequence state, the token and anything else put beside agent.json. The user stays, as Debian's
    # packages leave theirs: files elsewhere may still belong to it.
    rm -rf /var/lib/dashboard-agent /etc/dashboard-agent
    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
    ;;
esac
exit 0
SCRIPT
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$out"
deb="$out/dashboard-agent_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
