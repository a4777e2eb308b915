#!/usr/bin/env bash
# Installs dist/arogya_*.deb (scripts/package-deb.sh) in a clean Debian 12 root made by debootstrap, as an
# administrator would with apt-get, then uses it there: the service's user, folder and unit, the hub started
# as its unit starts it, a terminal syncing to it, and the man pages. Needs root, debootstrap and Debian's
# package mirror. Prints "N passed, N failed" and exits non-zero when a check fails.
#   scripts/test-deb-install.sh [dist/arogya_VERSION_ARCH.deb]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:-$(ls -t dist/arogya_*.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "test-deb-install: no package; run scripts/package-deb.sh first" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "test-deb-install: apt-get install debootstrap" >&2; exit 1; }
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d)
root="$work/root"
cleanup() {
    for mount in proc dev/pts dev; do umount -l "$root/$mount" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "debootstrap bookworm into $root …"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb "$@"; }

cp "$deb" "$root/tmp/"
in_root apt-get update -qq
echo "apt-get install ./$(basename "$deb") …"
in_root sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/$(basename "$deb") man-db systemd curl >/tmp/install.log 2>&1" \
    || { tail -30 "$root/tmp/install.log"; exit 1; }

passed=0
failed=0
check() {
    local what=$1; shift
    if "$@" >"$work/check.log" 2>&1; then
        passed=$((passed + 1)); echo "ok: $what"
    else
        failed=$((failed + 1)); echo "FAILED: $what"; sed 's/^/    /' "$work/check.log" | tail -15
    fi
}

check "the arogya-hub user exists, without a login shell" in_root sh -c 'getent passwd arogya-hub | grep -q ":/usr/sbin/nologin$"'
check "/var/lib/arogya-hub is the user's, mode 700" in_root sh -c '[ "$(stat -c "%U %a" /var/lib/arogya-hub)" = "arogya-hub 700" ]'
check "the unit file is valid" in_root systemd-analyze verify /lib/systemd/system/arogya-hub.service
check "/etc/default/arogya-hub is a conffile" in_root sh -c 'dpkg-query -W -f="\${Conffiles}" arogya | grep -q /etc/default/arogya-hub'
check "arogya --version" in_root /usr/bin/arogya --version
check "arogya-hub finds its protocol files" in_root sh -c 'ls /usr/share/arogya | grep -q .'

# The hub started as its unit starts it: the user, the settings file, the command line.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_hub() { in_root runuser -u arogya-hub -- sh -c "set -a; . /etc/default/arogya-hub; set +a; $*"; }
check "/etc/default/arogya-hub is root's, readable by the service only" in_root sh -c '[ "$(stat -c "%U %G %a" /etc/default/arogya-hub)" = "root arogya-hub 640" ]'
check "a facility added with arogya-hub-admin" in_root arogya-hub-admin facilities add IN0001 --name Rampur
token=$(in_root arogya-hub-admin devices add --facility IN0001 --label t1 | sed -n 's/^token[^:]*: //p' || true)
check "a device token issued" test -n "$token"
exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/arogya-hub.service")
as_hub "AROGYA_HUB_OPTIONS='--host 127.0.0.1 --port $port'; exec ${exec_start}" >"$work/hub.log" 2>&1 &
hub=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
check "the hub answers /health" curl -fs "http://127.0.0.1:$port/health"

check "a terminal set up" in_root sh -c 'printf "4826\n" | arogya setup --db /root/t.sqlite --facility Rampur --supervisor priya --village Rampur'
check "the terminal's demo records" in_root arogya demo --db /root/t.sqlite --patients 50 --seed 1
check "the terminal connected to the hub" in_root arogya hub connect "http://127.0.0.1:$port" --token "$token" --db /root/t.sqlite
check "the terminal synced" in_root arogya sync --db /root/t.sqlite
check "the hub holds the terminal's 50 patients" in_root sh -c "arogya-hub-admin stats --json | tr -d ' \n' | grep -q '\"type\":\"patient\",\"count\":50'"
kill "$hub" 2>/dev/null || true
pkill -f "arogya-hub serve" 2>/dev/null || true
wait "$hub" 2>/dev/null || true
check "the hub's database is in /var/lib/arogya-hub, mode 600" in_root sh -c '[ "$(stat -c "%U %a" /var/lib/arogya-hub/hub.sqlite)" = "arogya-hub 600" ]'

check "man arogya opens" in_root sh -c 'man -P cat arogya 2>/dev/null | grep -q "arogya"'
check "man arogya-hub opens" in_root sh -c 'man -P cat arogya-hub 2>/dev/null | grep -qi "sync server"'
check "man arogya-hub.serve opens" in_root sh -c 'man -P cat arogya-hub.serve 2>/dev/null | grep -q -- "--postgres"'
check "the package removes cleanly and keeps the data" in_root sh -c 'apt-get remove -y -qq arogya >/dev/null 2>&1 && [ -f /var/lib/arogya-hub/hub.sqlite ]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
