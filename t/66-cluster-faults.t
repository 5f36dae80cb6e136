#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Faults the cluster itself has, on a private cluster with a small memstore
# (1 GiB, full at 50%): filling it through the API, freeing space while it
# is full, a worker's client blocklisted (by `ceph osd blocklist add`, and
# by breaking the lock it holds in the middle of a copy), and workers
# killed in the middle of a copy or a clone. Talks FastCGI to a daemon of
# its own on that cluster.
. "$(dirname "$0")/lib/test-lib.sh"

private=$(mktemp -d /tmp/rbd-rest-api-cluster-faults.XXXXXX)
_t_extra_dirs+=("$private")
mkdir -p "$private/cluster"
if ! CLUSTER_MEMSTORE_BYTES=1073741824 cluster_start "$private/cluster" >"$private/start.log" 2>&1; then
	ok 1 "the private cluster starts"
	done_testing
	exit 1
fi
# The cluster is stopped before the library removes $private (an extra
# directory) at exit; the daemon is stopped at the end of the test.
if declare -F at_exit >/dev/null; then
	at_exit 'daemon_stop "$private/daemon"; cluster_stop "$private/cluster"'
else
	trap 'daemon_stop "$private/daemon"; cluster_stop "$private/cluster"; _t_stop_extras; rm -f "$_t_body_file"' EXIT
fi
conf=$private/cluster/ceph.conf
ceph() { timeout 60 ceph -c "$conf" "$@"; }
rbd() { timeout 60 rbd -c "$conf" "$@"; }
# The OSD reports how full it is with its heartbeat: every second here,
# so the test does not wait six.
ceph config set osd osd_heartbeat_interval 1 >/dev/null 2>&1
ceph osd set-nearfull-ratio 0.4 >/dev/null 2>&1
ceph osd set-backfillfull-ratio 0.45 >/dev/null 2>&1
ceph osd set-full-ratio 0.5 >/dev/null 2>&1

EXTRA_DIR=$private/daemon
daemon_start "$EXTRA_DIR" "$conf" workers=2 rados_timeout=5
sock=$DAEMON_SOCKET
call() { fcgi "$sock" "$@"; }
# The cluster's health says so; a ceph CLI that fails (a busy monitor)
# says nothing, and the waits below keep waiting rather than go on.
cluster_full() { local h; h=$(ceph health 2>/dev/null) || return 0; [[ $h == *'full osd'* ]]; }
pool_full() { local h; h=$(ceph health 2>/dev/null) || return 0; [[ $h == *'pool(s) full'* ]]; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# A 128 MiB image with data, to copy.
rbd create --size 128M rbd/data >/dev/null
rbd bench --io-type write --io-size 4M --io-total 128M --io-pattern seq rbd/data >/dev/null 2>&1
call GET /api/v1/pools/rbd/images/data
is "$STATUS" 200 "the private cluster serves"

# 1. Fill it with copies through the API: once the OSD is flagged full,
#    a copy answers 507 at once, naming the full OSD and the ratio.
copies=0 full_status= full_ms=
for i in $(seq 12); do
	start=$(date +%s%N)
	call POST /api/v1/pools/rbd/images/data/copy "{\"pool\":\"rbd\",\"name\":\"fill$i\",\"deep\":false}"
	took=$(ms_since "$start")
	if [ "$STATUS" = 201 ]; then
		copies=$((copies + 1))
		# Let the OSD's report of its use reach the monitor.
		for w in $(seq 20); do cluster_full && break; sleep 0.5; done
		continue
	fi
	full_status=$STATUS full_ms=$took
	break
done
is "$full_status" 507 "a copy into a full cluster answers 507 (after $copies copies)"
ok "$([ "${full_ms:-99999}" -le 2000 ]; echo $?)" "within a second or two, not a timeout (${full_ms} ms)"
is "$(field .reason)" InsufficientStorage "reason InsufficientStorage"
like "$(field .message)" 'the cluster is full: osd\.0 is full \([0-9.]+% used\) at full_ratio 50%' \
	"the message names the full OSD, its use and the full ratio"
like "$(field .message)" 'deletes work while it is full' "and says how to free space"
call GET /api/v1/pools/rbd/images
is "$(field '[.Items[].name | select(test("unfinished|^while|^fill'"$((copies + 1))"'$"))] | length')" 0 \
	"the copy that hit the full cluster left nothing behind"
call POST /api/v1/pools/rbd/images '{"name":"while-full","size":"1M"}'
is "$STATUS" 507 "creating even a small image answers 507 while full"
call GET /api/v1/pools/rbd/images/data
is "$STATUS" 200 "reads still work while full"

# 2. Removals go through a full cluster, as the CLI's do.
call POST /api/v1/pools/rbd/images/fill1/snapshots '{"name":"s1"}'
is "$STATUS" 201 "a snapshot (no data) can still be taken while full"
start=$(date +%s%N)
call DELETE /api/v1/pools/rbd/images/fill1/snapshots/s1
is "$STATUS" 204 "deleting a snapshot works while full ($(ms_since "$start") ms)"
call POST /api/v1/pools/rbd/images/fill2/trash '{}'
is "$STATUS" 201 "moving an image to the trash works while full"
trash_id=$(field .id)
start=$(date +%s%N)
call DELETE "/api/v1/pools/rbd/trash/$trash_id"
is "$STATUS" 204 "removing a trash entry works while full ($(ms_since "$start") ms)"
start=$(date +%s%N)
call DELETE /api/v1/pools/rbd/images/fill1
is "$STATUS" 204 "deleting an image works while full ($(ms_since "$start") ms)"
# The other copies go too. The full flag follows the OSD's reports of its
# use, which lag it: a copy or two more than the ratio allows may have
# landed, and then two deletes are not enough (5 copies of 128 MiB fill
# 75% of the OSD; without two of them it is still at the 50% ratio).
others=0 deleted=0
for i in $(seq 3 "$copies"); do
	others=$((others + 1))
	call DELETE "/api/v1/pools/rbd/images/fill$i"
	[ "$STATUS" = 204 ] && deleted=$((deleted + 1))
done
is "$deleted" "$others" "deleting the other copies ($others) works while full too"

# 3. Once space is freed, writes work again, without a restart. The
#    OSD reports its use with its heartbeat and the monitor then clears
#    the flag: seconds when idle, longer on a busy machine, so the wait
#    is a deadline, and the create is tried again while the service
#    says the flag is gone but the worker's map does not know it yet.
wait_until=$(($(date +%s) + 60))
while cluster_full && [ "$(date +%s)" -lt "$wait_until" ]; do sleep 0.5; done
wait_until=$(($(date +%s) + 15))
while :; do
	call POST /api/v1/pools/rbd/images '{"name":"after-full","size":"1M"}'
	[ "$STATUS" = 507 ] && [ "$(date +%s)" -lt "$wait_until" ] || break
	sleep 1
done
is "$STATUS" 201 "space freed: creating works again without a restart"
recovered=$([ "$STATUS" = 201 ] && echo yes || echo no)
echo "# faults: cluster-full requests=$((copies + 9 + others)) lost=0 recovered=$recovered"

# 4. A pool over its quota: 507 naming the pool and its quota.
ceph osd pool set-quota rbd max_objects 10 >/dev/null 2>&1
wait_until=$(($(date +%s) + 90))
until ceph health 2>/dev/null | grep -q 'pool(s) full' || [ "$(date +%s)" -ge "$wait_until" ]; do sleep 0.5; done
call POST /api/v1/pools/rbd/images '{"name":"over-quota","size":"1M"}'
is "$STATUS" 507 "creating in a pool over its quota answers 507"
like "$(field .message)" 'pool rbd is over its quota \(max_objects 10\)' "naming the pool and its quota"
ceph osd pool set-quota rbd max_objects 0 >/dev/null 2>&1
for i in $(seq 3 12); do rbd rm --no-progress "rbd/fill$i" >/dev/null 2>&1; done
wait_until=$(($(date +%s) + 90))
while pool_full && [ "$(date +%s)" -lt "$wait_until" ]; do sleep 0.5; done
call POST /api/v1/pools/rbd/images '{"name":"over-quota","size":"1M"}'
is "$STATUS" 201 "quota lifted: creating works again"

# 5. A worker's client blocklisted: it is replaced by a new client within
#    seconds, and no request in between gets anything but 200 or a 503
#    that says why.
call GET /api/v1/status
victim=$(field '.Items[0].client')
victim_pid=$(field '.Items[0].pid')
ceph osd blocklist add "${victim#* at }" >/dev/null 2>&1
results=$private/results
: >"$results"
start=$(date +%s%N)
back=
for i in $(seq 100); do
	call GET /api/v1/pools/rbd/images/data
	echo "$STATUS" >>"$results"
	if [ "$STATUS" = 503 ]; then
		refused=$(field .message)
	fi
	call GET /api/v1/status
	now=$(printf '%s' "$BODY" | jq -r --arg pid "$victim_pid" '.Items[] | select(.pid == ($pid | tonumber)) | .client')
	if [ -n "$now" ] && [ "$now" != null ] && [ "$now" != "$victim" ]; then
		back=$(ms_since "$start")
		break
	fi
	sleep 0.05
done
ok "$([ -n "$back" ] && [ "$back" -le 5000 ]; echo $?)" \
	"a blocklisted worker has a new client within seconds (${back:-never} ms)"
is "$(grep -cv '^\(200\|503\)$' "$results")" 0 "no request in between got anything but 200 or 503"
if [ -n "${refused:-}" ]; then
	like "$refused" "refused this worker's client \(client\.[0-9]+ at .*\): it was blocklisted" \
		"a request refused in between says why"
fi
call GET /api/v1/status
ok "$([ "$(field .clients_refused)" -ge 1 ] && [ "$(field .reconnects)" -ge 1 ]; echo $?)" \
	"the status page counts refused clients and reconnects"
call GET /api/v1/metrics
like "$BODY" 'rbd_rest_api_cluster_clients_refused_total [1-9]' "metrics count refused clients"
like "$BODY" 'rbd_rest_api_cluster_reconnects_total [1-9]' "and reconnects"
bad=0
for i in $(seq 8); do
	call GET /api/v1/pools/rbd/images/data
	[ "$STATUS" = 200 ] || bad=$((bad + 1))
	call GET /api/v1/health
	[ "$STATUS" = 200 ] || bad=$((bad + 1))
done
is "$bad" 0 "every worker serves again, health is ok, with no restart"
lost=$(grep -cv '^200$' "$results")
echo "# faults: blocklist requests=$(wc -l <"$results") lost=$lost recovered=$([ "$bad" = 0 ] && echo yes || echo no)"

# 6. The lock a copy holds is broken with the CLI (which blocklists its
#    client) in the middle: the copy answers 503 saying why, and the
#    worker is back at once.
rbd create --size 256M rbd/big >/dev/null
rbd bench --io-type write --io-size 4M --io-total 256M --io-pattern seq rbd/big >/dev/null 2>&1
# Reads of it at 64 MiB/s: a copy takes about 4 s, time enough to break in
# on a loaded machine.
call PUT /api/v1/pools/rbd/images/big/qos '{"rbd_qos_read_bps_limit":"64M"}'
(
	call POST /api/v1/pools/rbd/images/big/copy '{"pool":"rbd","name":"big-copy","deep":false}'
	printf '%s\n%s\n' "$STATUS" "$BODY" >"$private/copy.out"
) &
copier=$!
# The copy is made as big-copy.unfinished-XXXXXXXX (unfinished.h).
l= made= broke=1
for i in $(seq 100); do
	made=$(rbd ls rbd 2>/dev/null | grep '^big-copy\.unfinished-' | head -n1)
	[ -n "$made" ] && l=$(timeout 10 rbd lock ls --format json "rbd/$made" 2>/dev/null)
	[ -n "$l" ] && [ "$l" != "[]" ] && break
	sleep 0.02
done
if [ -n "$l" ] && [ "$l" != "[]" ]; then
	timeout 20 rbd lock rm "rbd/$made" "$(printf '%s' "$l" | jq -r '.[0].id')" \
		"$(printf '%s' "$l" | jq -r '.[0].locker')" >/dev/null 2>&1
	broke=$?
fi
wait "$copier"
is "$broke" 0 "the CLI broke the lock the copy held"
STATUS=$(head -n1 "$private/copy.out")
BODY=$(sed 1d "$private/copy.out")
is "$STATUS" 503 "the copy whose lock was broken answers 503"
like "$(field .message)" "refused this worker's client .*copying image rbd/big to rbd/big-copy failed" \
	"saying the cluster refused the client, and what failed"
like "$(field .message)" "left as image big-copy\.unfinished-[0-9a-f]{8} \(marked unfinished\): delete it" \
	"and that what was copied is left marked unfinished (a refused client cannot remove it)"
call GET /api/v1/pools/rbd/images/big-copy
is "$STATUS" 404 "the name asked for holds no half-made copy"
bad=0
for i in $(seq 8); do
	call GET /api/v1/health
	[ "$STATUS" = 200 ] || bad=$((bad + 1))
done
is "$bad" 0 "after the broken lock every worker serves again"
echo "# faults: broken-lock requests=1 lost=1 recovered=$([ "$bad" = 0 ] && echo yes || echo no)"

# 7. A worker killed -9 in the middle of a synchronous copy: the name
#    asked for never holds a half-made image; what was made is listed
#    under a name that says it is unfinished, and GET says what to do.
master=$(cat "$EXTRA_DIR/daemon.pid")
busy_worker() {  # URI-PART -> pid of the worker serving it, or nothing
	fcgi "$sock" GET /api/v1/status
	printf '%s' "$BODY" | jq -r --arg u "$1" '.Items[] | select(.current != null and (.current.uri | contains($u))) | .pid' | head -n1
}
( call POST /api/v1/pools/rbd/images/big/copy '{"pool":"rbd","name":"killed-copy","deep":false}' ) &
copier=$!
victim=
for i in $(seq 100); do
	victim=$(busy_worker /images/big/copy)
	[ -n "$victim" ] && break
	sleep 0.02
done
sleep 0.2
[ -n "$victim" ] && kill -9 "$victim"
wait "$copier"
ok "$([ -n "$victim" ]; echo $?)" "a worker was killed -9 in the middle of a copy"
for i in $(seq 100); do [ "$(worker_pids "$master" | wc -l)" -ge 2 ] && break; sleep 0.05; done
call GET /api/v1/pools/rbd/images/killed-copy
is "$STATUS" 404 "the name asked for holds no half-made copy"
call GET /api/v1/pools/rbd/images
left=$(field '[.Items[].name | select(startswith("killed-copy.unfinished-"))] | .[0] // empty')
if [ -n "$left" ]; then
	call GET "/api/v1/pools/rbd/images/$left"
	like "$(field .unfinished)" 'did not finish.*delete it' \
		"what was made is listed as $left, and GET says it is unfinished and what to do"
else
	ok 0 "nothing of the killed copy is left"
fi
echo "# faults: killed-copy requests=1 lost=1 recovered=yes"

# 8. The same for a clone: whatever the moment of the kill, the name
#    holds either nothing or the whole clone.
rbd snap create rbd/data@base >/dev/null 2>&1
rbd snap protect rbd/data@base >/dev/null 2>&1
whole=0 bad=0
for attempt in 1 2 3; do
	( call POST /api/v1/pools/rbd/images "{\"name\":\"killed-clone$attempt\",\"parent\":{\"pool\":\"rbd\",\"image\":\"data\",\"snapshot\":\"base\"}}" ) &
	cloner=$!
	for i in $(seq 200); do
		victim=$(busy_worker /api/v1/pools/rbd/images)
		[ -n "$victim" ] && break
	done
	[ -n "$victim" ] && kill -9 "$victim"
	wait "$cloner"
	for i in $(seq 100); do [ "$(worker_pids "$master" | wc -l)" -ge 2 ] && break; sleep 0.05; done
	call GET "/api/v1/pools/rbd/images/killed-clone$attempt"
	if [ "$STATUS" = 200 ] && [ "$(field .parent.image)" = data ] && [ "$(field .unfinished)" = null ]; then
		whole=$((whole + 1))
	elif [ "$STATUS" != 404 ]; then
		bad=$((bad + 1))
	fi
done
is "$bad" 0 "a clone killed -9 at any moment leaves its name empty or holding the whole clone ($whole of 3 finished first)"
call GET /api/v1/pools/rbd/images
for name in $(field '.Items[].name | select(contains(".unfinished-"))'); do
	call GET "/api/v1/pools/rbd/images/$name"
	[ "$(field .unfinished)" != null ] || bad=$((bad + 1))
done
is "$bad" 0 "and every leftover is marked unfinished"
echo "# faults: killed-clone requests=3 lost=$((3 - whole)) recovered=yes"

daemon_stop "$EXTRA_DIR"
done_testing
