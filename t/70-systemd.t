#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Under systemd: the unit files are valid, the daemon takes its socket from
# socket activation, and speaks the notify protocol (READY, RELOADING,
# STOPPING). No systemd PID 1 is needed: systemd-socket-activate passes the
# socket, and a small listener stands in for the notify socket.
. "$(dirname "$0")/lib/test-lib.sh"

bin=$(daemon_bin)
helpers=$(dirname "$bin")/../t/helpers
work=$(mktemp -d /tmp/rbd-rest-api-systemd.XXXXXX)
_t_extra_dirs+=("$work")

# The units as installed, pointing at the built binary.
sed -e "s|@sbindir@|$(dirname "$bin")|" -e "s|@sysconfdir@|$work|" -e "s|@docdir@|$work|" \
	"$T_DIR/../systemd/rbd-rest-api.service.in" >"$work/rbd-rest-api.service"
cp "$T_DIR/../systemd/rbd-rest-api.socket" "$work/"
out=$(systemd-analyze verify "$work/rbd-rest-api.socket" "$work/rbd-rest-api.service" 2>&1 |
	grep -v 'Failed to prepare filename\|rbdapi\|www-data\|ceph.target\|Documentation')
is "$out" "" "systemd-analyze verify finds nothing wrong with the units"
like "$(cat "$work/rbd-rest-api.service")" 'Type=notify' "the service is Type=notify"
score=$(systemd-analyze security --offline=true "$work/rbd-rest-api.service" 2>&1 |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
ok "$(awk -v s="${score:-10}" 'BEGIN { exit !(s <= 2.0) }'; echo $?)" \
	"systemd-analyze security rates the service ${score:-?} (at most 2.0; it was 3.2)"
like "$(cat "$work/rbd-rest-api.socket")" 'SocketGroup=rbdapi-web' \
	"the socket's group is rbdapi-web, not www-data that every web app shares"

# Socket activation and the notify protocol together.
cat >"$work/conf" <<EOC
listen = /nonexistent/ignored.sock
workers = 2
ceph_conf = $CEPH_CONF
ceph_id = admin
allow_root = true
EOC
"$helpers/notify-listen" "$work/notify.sock" 30 >"$work/notify.log" &
listener=$!
for i in $(seq 20); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done
NOTIFY_SOCKET=$work/notify.sock systemd-socket-activate -E NOTIFY_SOCKET -l "$work/api.sock" \
	"$bin" -c "$work/conf" >"$work/daemon.log" 2>&1 &
activator=$!
echo "$activator" >"$work/daemon.pid"

# systemd-socket-activate starts the daemon on the first connection.
for i in $(seq 50); do
	fcgi "$work/api.sock" GET /api/v1/health
	[ "$STATUS" = 200 ] && break
	sleep 0.1
done
is "$STATUS" 200 "the socket-activated daemon answers on the passed socket"
like "$(cat "$work/daemon.log")" 'event=master.started .*socket=systemd' "and says it took systemd's socket"
ok "$([ ! -e /nonexistent/ignored.sock ]; echo $?)" "its own listen setting is ignored"

for i in $(seq 50); do grep -q 'READY=1' "$work/notify.log" && break; sleep 0.1; done
like "$(cat "$work/notify.log")" 'READY=1;STATUS=2 workers ready' "READY=1 once both workers are up"

for i in $(seq 100); do grep -q 'requests served' "$work/notify.log" && break; sleep 0.1; done
like "$(cat "$work/notify.log")" 'STATUS=2 workers, [0-9]+ threads \([0-9]+ idle, 0 busy\), [0-9,]+ requests served' \
	"then STATUS= lines counting workers, threads and requests"

master=$(pgrep -f "rbd-rest-api -c $work/conf" | head -n1)
kill -HUP "$master"
for i in $(seq 100); do [ "$(grep -c 'READY=1' "$work/notify.log")" -ge 2 ] && break; sleep 0.1; done
like "$(tr '\n' '|' <"$work/notify.log")" 'READY=1.*\|RELOADING=1[^|]*\|.*READY=1' \
	"SIGHUP: RELOADING=1, then READY=1 when the new workers serve"

kill -TERM "$master"
for i in $(seq 100); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
like "$(cat "$work/notify.log")" 'STOPPING=1' "SIGTERM: STOPPING=1"
ok "$(kill -0 "$master" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "and the daemon exits"
kill "$listener" 2>/dev/null
wait "$listener" "$activator" 2>/dev/null

done_testing
