#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Request threads inside a worker: many requests at once on its one
# cluster connection. Mutations of one image from threads of one worker
# run one after the other; a worker killed under load fails only what it
# had in flight; recycling and reload drain the threads and lose nothing.
. "$(dirname "$0")/lib/test-lib.sh"

code() {  # METHOD URI [BODY] -> prints the status (000 when none came)
	fcgi "$EXTRA_SOCKET" "$@"
	echo "${STATUS:-000}"
}
wait_healthy() {
	local i
	for i in $(seq 50); do
		fcgi "$EXTRA_SOCKET" GET /api/v1/health
		[ "$STATUS" = 200 ] && return 0
		sleep 0.2
	done
	return 1
}
# CLIENTS loops of GET URI for SECONDS, each status a line of OUT.
load() {  # SECONDS CLIENTS URI OUT
	local until=$(( $(date +%s) + $1 )) c
	for c in $(seq "$2"); do
		( while [ "$(date +%s)" -lt "$until" ]; do code GET "$3"; done ) >>"$4" &
	done
}
results=$(mktemp)
at_exit "rm -f $results"

story "one worker, eight threads"
extra_daemon threads workers=1 threads=8 max_sync_data_ops=6
master=$DAEMON_PID
wait_healthy
is "$STATUS" 200 "a worker with 8 threads answers"
worker=$(worker_pids "$master")
fcgi "$EXTRA_SOCKET" GET /api/v1/status
is "$(field '.Items | length')" 1 "the status page shows the one worker"
is "$(field '.Items[0].threads | length')" 8 "and its 8 threads"
is "$(field '[.Items[0].threads[] | select(.state == "idle" or .state == "busy")] | length')" 8 \
	"each idle or busy"
fcgi "$EXTRA_SOCKET" GET /api/v1/metrics
like "$BODY" 'rbd_rest_api_threads\{state="idle"\} [0-9]+' "metrics count threads by state"

story "concurrent mutations of one image from threads of one worker"
img=$(unique thr)
is "$(code POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\"}")" 201 "image created"
: >"$results"
for i in $(seq 8); do
	code PATCH "/api/v1/pools/rbd/images/$img" "{\"size\":\"$((i + 1))G\"}" >>"$results" &
done
wait
is "$(grep -c '^5\|^000' "$results")" 0 "8 concurrent resizes on 8 threads: no 5xx"
is "$(grep -cv '^200$\|^400$' "$results")" 0 "each answers 200 or 400 (a shrink refused)"
size=$(rbd info --format json "rbd/$img" | jq -r .size)
ok "$([ $((size % (1 << 30))) -eq 0 ] && [ $((size >> 30)) -ge 2 ] && [ $((size >> 30)) -le 9 ]; echo $?)" \
	"the image has one of the sizes asked for ($size)"
: >"$results"
for i in $(seq 6); do
	code POST "/api/v1/pools/rbd/images/$img/snapshots" "{\"name\":\"s$i\"}" >>"$results" &
done
wait
is "$(grep -c '^201$' "$results")" 6 "6 concurrent snapshot creates: all 201"
is "$(rbd snap ls --format json "rbd/$img" | jq length)" 6 "6 snapshots exist"
: >"$results"
for i in $(seq 6); do
	code DELETE "/api/v1/pools/rbd/images/$img/snapshots/s$i" >>"$results" &
done
code PATCH "/api/v1/pools/rbd/images/$img" '{"size":"12G"}' >>"$results" &
wait
is "$(grep -c '^5\|^000' "$results")" 0 "snapshot deletes racing a resize: no 5xx"
is "$(rbd snap ls --format json "rbd/$img" | jq length)" 0 "the snapshots are gone"
is "$(worker_pids "$master")" "$worker" "the worker survived it all"
is "$(grep -c 'event=worker.died' "$EXTRA_DIR/daemon.log")" 0 "and no worker died"
is "$(code DELETE "/api/v1/pools/rbd/images/$img")" 204 "image deleted"

story "quick requests never wait behind slow ones"
src=$(unique thrsrc)
rbd create --size 256M "rbd/$src"
at_exit "rbd rm rbd/$src >/dev/null 2>&1"
rbd bench --io-type write --io-size 4M --io-total 256M --io-pattern seq "rbd/$src" >/dev/null 2>&1
: >"$results"
# 16 sync copies, twice the worker's 8 threads: 6 run (the mutations'
# share), the other 10 wait in the worker's queue, and 2 threads stay for
# reads. Timed from here, through cgi-fcgi on a busy 2-CPU machine.
for i in $(seq 16); do
	code POST "/api/v1/pools/rbd/images/$src/copy" "{\"pool\":\"rbd\",\"name\":\"$src-c$i\",\"deep\":false}" \
		>>"$results" &
done
sleep 0.5
worst=0
for i in $(seq 10); do
	start=$(date +%s%N)
	fcgi "$EXTRA_SOCKET" GET /api/v1/health
	[ "$STATUS" = 200 ] || worst=99999
	fcgi "$EXTRA_SOCKET" GET "/api/v1/pools/rbd/images/$src"
	[ "$STATUS" = 200 ] || worst=99999
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$ms" -gt "$worst" ] && worst=$ms
done
fcgi "$EXTRA_SOCKET" GET /api/v1/status
busy=$(field '[.Items[0].threads[] | select(.state == "busy")] | length')
wait
echo "# threads: health+get-image worst ${worst} ms with 16 copies in flight ($busy threads busy)"
ok "$([ "$worst" -lt 1000 ]; echo $?)" "health and get-image answer at once while copies fill the threads (worst ${worst} ms)"
is "$(grep -c '^201$' "$results")" 16 "and the 16 copies all end 201"
for i in $(seq 16); do rbd rm "rbd/$src-c$i" >/dev/null 2>&1; done

story "synchronous copies take turns, and the heap is given back after"
extra_daemon moves workers=1 threads=8 max_sync_data_ops=1 rados_timeout=60
wait_healthy
worker=$(worker_pids "$DAEMON_PID")
: >"$results"
for i in $(seq 3); do
	code POST "/api/v1/pools/rbd/images/$src/copy" "{\"pool\":\"rbd\",\"name\":\"$src-m$i\"}" \
		>>"$results" &
done
wait
is "$(grep -c '^201$' "$results")" 3 "3 copies at once with max_sync_data_ops=1: each waits its turn, all 201"
for i in $(seq 3); do
	is "$(rbd info --format json "rbd/$src-m$i" | jq -r .size)" $((256 << 20)) "copy $i is whole"
	rbd rm "rbd/$src-m$i" >/dev/null 2>&1
done
sleep 2.5  # quiet for over a second: the worker trims its heap
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$worker/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$worker/status")
echo "# threads: a worker after 3 copies: peak ${hwm} KiB, ${rss} KiB once quiet"
ok "$([ "$hwm" -lt 65536 ] || [ $((hwm - rss)) -ge 16384 ]; echo $?)" \
	"a quiet worker gives the copies' memory back (peak $((hwm >> 10)) MiB, now $((rss >> 10)) MiB)"

story "recycling drains the threads"
extra_daemon recycle workers=2 threads=4 max_requests=10
master=$DAEMON_PID
wait_healthy
before=$(worker_pids "$master")
: >"$results"
for c in $(seq 4); do
	( for i in $(seq 15); do code GET /api/v1/health; done ) >>"$results" &
done
wait
is "$(grep -cv '^200$' "$results")" 0 "60 requests from 4 clients across recycling (max_requests=10): all 200"
ok "$([ "$(worker_pids "$master")" != "$before" ]; echo $?)" "workers were recycled"

story "reload under load loses nothing"
: >"$results"
load 4 6 /api/v1/pools/rbd "$results"
sleep 1
kill -HUP "$master"
wait
total=$(wc -l <"$results")
is "$(grep -cv '^200$' "$results")" 0 "SIGHUP under load: none of $total requests failed"

story "a worker killed under load fails only its own requests"
: >"$results"
load 4 6 /api/v1/pools/rbd "$results"
sleep 1.5
victim=$(worker_pids "$master" | head -n1)
kill -9 "$victim"
wait
total=$(wc -l <"$results")
failed=$(grep -cv '^200$' "$results")
# Each client has one request in flight at a time and the victim ran 4
# threads: at most 4 requests were its.
ok "$([ "$failed" -le 4 ]; echo $?)" "kill -9 under load: $failed of $total failed (at most its 4 threads' requests)"
ok "$([ "$total" -gt $((failed + 20)) ]; echo $?)" "the others were served"
echo "# threads: worker-kill requests=$total lost=$failed"

story "the default configuration's memory and connections"
# workers=2 is this machine's CPU count (the default); threads default 16.
extra_daemon rss
master=$DAEMON_PID
wait_healthy
rss() {  # total RSS in KiB of the master and its workers
	ps -o rss= -p "$master,$(worker_pids "$master" | paste -sd,)" | awk '{ s += $1 } END { print s }'
}
idle_rss=$(rss)
fcgi "$EXTRA_SOCKET" GET /api/v1/status
conns=$(field '[.Items[] | select(.connected == true)] | length')
img=$(unique thrrss)
rbd create --size 1G "rbd/$img"
: >"$results"
for c in $(seq 64); do
	( for i in $(seq 5); do code GET "/api/v1/pools/rbd/images/$img"; done ) >>"$results" &
done
peak=0
for i in $(seq 20); do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.1; done
wait
busy_rss=$(rss)
[ "$busy_rss" -gt "$peak" ] && peak=$busy_rss
rbd rm "rbd/$img" >/dev/null 2>&1
echo "# threads: default config RSS idle=$((idle_rss / 1024)) MiB at-64=$((peak / 1024)) MiB cluster_connections=$conns"
is "$conns" "$(worker_pids "$master" | wc -l)" "one cluster connection per worker"
is "$(grep -cv '^200$' "$results")" 0 "64 concurrent clients: 320 gets, all 200"

done_testing
