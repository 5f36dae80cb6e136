#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The daemon as an operator runs it: configuration errors, the reasons it
# gives when it cannot reach the cluster, and its pool of workers
# (respawn, recycling, reload, graceful stop). Talks FastCGI directly to
# daemons of its own.
. "$(dirname "$0")/lib/test-lib.sh"

bin=$(daemon_bin)

# Configuration errors stop start-up and name the line.
conf=$(mktemp)
printf 'workers = 2\nwokers = 3\n' >"$conf"
out=$("$bin" -c "$conf" -t 2>&1)
ok "$([ $? -eq 2 ]; echo $?)" "an unknown key stops start-up"
like "$out" "$conf:2: unknown key \"wokers\"" "naming the file, line and key"
printf 'rados_timeout = soon\n' >"$conf"
out=$("$bin" -c "$conf" -t 2>&1)
like "$out" ':1: rados_timeout must be an integer' "a bad value names the key and rule"
out=$("$bin" -c /nonexistent.conf -t 2>&1)
like "$out" 'nonexistent.conf: cannot open' "a missing config file is named"
: >"$conf"
out=$("$bin" -c "$conf" --workers=0 -t 2>&1)
like "$out" 'command line: workers must be an integer between 1 and 1024' "command-line values are checked too"
out=$("$bin" -c "$conf" --listen=/tmp/x.sock 2>&1)
like "$out" 'refusing to run as root' "it refuses to run as root unless allow_root"
rm -f "$conf"

# Cannot reach the cluster: health says why, cluster routes answer 503.
extra_daemon nokeyring keyring=/nonexistent/keyring rados_timeout=3
fcgi "$EXTRA_SOCKET" GET /api/v1/health
is "$STATUS" 503 "with a missing keyring, health is 503"
like "$BODY" 'no readable keyring for client.admin: tried /nonexistent/keyring \(No such file' \
	"naming the keyring that was tried"
like "$HEADERS" 'Retry-After: [0-9]+' "with Retry-After"
fcgi "$EXTRA_SOCKET" GET /api/v1/pools
is "$STATUS" 503 "cluster routes are 503 too"
fcgi "$EXTRA_SOCKET" GET /api/v1/version
is "$STATUS" 200 "version still answers"

badkey=$(mktemp)
printf '[client.admin]\n\tkey = AQBm3IhlAAAAABAAVr3Z8mU5Xg0xZ0xr2NKbhg==\n' >"$badkey"
extra_daemon badkey keyring="$badkey" rados_timeout=5
fcgi "$EXTRA_SOCKET" GET /api/v1/health
is "$STATUS" 503 "with a wrong key, health is 503"
like "$BODY" "refused cephx authentication for client.admin with keyring $badkey" \
	"saying the cluster refused the key"
ok "$([[ $BODY != *AQBm3Ihl* ]]; echo $?)" "without printing the key"
rm -f "$badkey"

# A key written into ceph.conf itself (key = ..., no keyring file) is
# enough: the keyring check must not take a key too long for its probe
# buffer for no key at all.
inline=$(mktemp -d)
cp "$CEPH_CONF" "$inline/ceph.conf"
printf '[client.admin]\n\tkey = %s\n' \
	"$(ceph auth get-key client.admin 2>/dev/null)" >>"$inline/ceph.conf"
extra_daemon inlinekey ceph_conf="$inline/ceph.conf" keyring=/nonexistent/keyring rados_timeout=5
fcgi "$EXTRA_SOCKET" GET /api/v1/health
is "$STATUS" 200 "with the key inline in ceph.conf and no keyring file, health is 200"
rm -rf "$inline"

# Pool deletion is off unless configured.
extra_daemon nodelete allow_pool_delete=false
fcgi "$EXTRA_SOCKET" DELETE "/api/v1/pools/rbd?confirm=rbd"
is "$STATUS" 403 "pool delete is 403 when not allowed"
like "$BODY" 'allow_pool_delete = false' "saying which setting"

# The least-privilege user the README documents can do everything.
user=rbdapi-$$
keyring=$(dirname "$CEPH_CONF")/ceph.client.$user.keyring
ceph auth get-or-create "client.$user" mon 'profile rbd, allow command "osd pool create", allow command "osd pool application enable", allow command "osd pool delete", allow command "osd pool set", allow command "osd pool set-quota"' \
	osd 'profile rbd' mgr 'profile rbd, allow command "progress json"' -o "$keyring" 2>/dev/null
extra_daemon leastpriv ceph_id="$user" keyring="$keyring"
for i in $(seq 30); do
	fcgi "$EXTRA_SOCKET" GET /api/v1/health
	[ "$STATUS" = 200 ] && break
	sleep 0.2
done
is "$STATUS" 200 "client.$user (profile rbd) connects"
lp=$(unique lp)
fcgi "$EXTRA_SOCKET" POST /api/v1/pools/rbd/images "{\"name\":\"$lp\",\"size\":\"1G\"}"
is "$STATUS" 201 "and creates an image"
fcgi "$EXTRA_SOCKET" PATCH "/api/v1/pools/rbd/images/$lp" '{"size":"2G"}'
is "$STATUS" 200 "resizes it"
fcgi "$EXTRA_SOCKET" DELETE "/api/v1/pools/rbd/images/$lp"
is "$STATUS" 204 "deletes it"
fcgi "$EXTRA_SOCKET" POST /api/v1/pools "{\"name\":\"$lp\",\"pg_num\":8}"
is "$STATUS" 201 "creates a pool"
fcgi "$EXTRA_SOCKET" DELETE "/api/v1/pools/$lp?confirm=$lp"
is "$STATUS" 204 "and deletes it"

# Without the pool commands in its caps, the cluster's refusal is a 403.
ceph auth get-or-create "client.$user-ro" mon 'profile rbd' osd 'profile rbd' \
	-o "$(dirname "$CEPH_CONF")/ceph.client.$user-ro.keyring" 2>/dev/null
extra_daemon nopoolcaps ceph_id="$user-ro" keyring="$(dirname "$CEPH_CONF")/ceph.client.$user-ro.keyring"
for i in $(seq 30); do
	fcgi "$EXTRA_SOCKET" POST /api/v1/pools "{\"name\":\"$lp\"}"
	[ "$STATUS" != 503 ] && break
	sleep 0.2
done
is "$STATUS" 403 "a user without pool caps gets 403 creating a pool"
like "$BODY" "creating pool $lp failed" "saying what was refused"
ceph auth del "client.$user" 2>/dev/null
ceph auth del "client.$user-ro" 2>/dev/null

# The worker pool: respawn, recycling, reload, graceful stop.
extra_daemon pool max_requests=5
master=$DAEMON_PID
pids=$(worker_pids "$master")
is "$(printf '%s\n' "$pids" | wc -l)" 2 "two workers run"
victim=$(printf '%s\n' "$pids" | head -n1)
kill -9 "$victim"
for i in $(seq 20); do
	[ "$(worker_pids "$master" | grep -vx "$victim" | wc -l)" -eq 2 ] && break
	sleep 0.1
done
is "$(worker_pids "$master" | grep -vx "$victim" | wc -l)" 2 "a killed worker is replaced within 2 s"
like "$(cat "$EXTRA_DIR/daemon.log")" "event=worker.died worker=$victim signal=9" "and its death is logged"

before=$(worker_pids "$master")
fails=0
for i in $(seq 30); do
	fcgi "$EXTRA_SOCKET" GET /api/v1/health
	[ "$STATUS" = 200 ] || fails=$((fails + 1))
done
is "$fails" 0 "30 requests across recycling (max_requests=5) all succeed"
ok "$([ "$(worker_pids "$master")" != "$before" ]; echo $?)" "workers were recycled"

before=$(worker_pids "$master")
fails=0
kill -HUP "$master"
for i in $(seq 40); do
	fcgi "$EXTRA_SOCKET" GET /api/v1/health
	[ "$STATUS" = 200 ] || fails=$((fails + 1))
done
is "$fails" 0 "requests during a reload all succeed"
like "$(cat "$EXTRA_DIR/daemon.log")" 'event=reload generation=1' "the reload is logged"
is "$(worker_pids "$master" | wc -l)" 2 "still two workers after the reload"

kill -TERM "$master"
for i in $(seq 50); do
	kill -0 "$master" 2>/dev/null || break
	sleep 0.1
done
ok "$(kill -0 "$master" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "SIGTERM stops the daemon"
ok "$([ ! -e "$EXTRA_SOCKET" ]; echo $?)" "and removes its socket"
like "$(tail -n 1 "$EXTRA_DIR/daemon.log")" 'event=master.stopped' "logging that it stopped"

# Logging to a file, reopened on SIGUSR1 as logrotate expects.
logfile=$EXTRA_DIR/api.log
extra_daemon logfile log_file="$logfile"
logmaster=$DAEMON_PID
fcgi "$EXTRA_SOCKET" GET /api/v1/nothing
like "$(cat "$logfile" 2>/dev/null)" 'event=master.started' "log_file receives the master's lines"
mv "$logfile" "$logfile.1"
kill -USR1 "$logmaster"
for i in $(seq 20); do [ -s "$logfile" ] && break; sleep 0.1; done
for i in 1 2 3 4; do fcgi "$EXTRA_SOCKET" PATCH /api/v1/pools/nopool/images/x '{"size":1}'; done
sleep 0.2
like "$(cat "$logfile" 2>/dev/null)" 'event=log.reopened' "SIGUSR1 reopens it in the master"
like "$(cat "$logfile" 2>/dev/null)" 'event=audit method=PATCH' "and in the workers"
is "$(grep -c 'event=audit method=PATCH' "$logfile.1")" 0 "nothing more goes to the rotated file"

done_testing
