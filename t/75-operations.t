#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What an operator watches: the status page, Prometheus metrics that move
# with traffic, and request_timeout, which kills and replaces a worker stuck
# on a request (here: I/O to a pool whose placement groups cannot go active).
. "$(dirname "$0")/lib/test-lib.sh"

api GET /api/v1/status
expect_status 200 "the status page answers"
is "$(field .Kind)" ServiceStatus "a ServiceStatus"
like "$(field '.workers.idle + .workers.busy')" '^[1-9][0-9]*$' "counting idle and busy workers"
rid=$(header X-Request-Id)
mine='.Items[] | select(.current.request_id == "'"$rid"'")'
is "$(field "$mine | .state")" busy "the worker answering is busy, with this request's id"
is "$(field "$mine | .current.uri")" /api/v1/status "and its uri"
like "$(field "$mine | .current.age_ms")" '^[0-9]+$' "and its age"
like "$(field '.Items[0].pid')" '^[0-9]+$' "every worker has its pid"
is "$(field '[.Items[] | select(.connected != true)] | length')" 0 "all workers are connected"

metric() {  # NAME-WITH-LABELS -> value
	api GET /api/v1/metrics
	printf '%s\n' "$BODY" | awk -v name="$1" '$1 == name {print $2}'
}
api GET /api/v1/metrics
expect_status 200 "metrics answer"
like "$(header Content-Type)" '^text/plain; version=0.0.4' "in Prometheus text format"
like "$BODY" '# TYPE rbd_rest_api_requests_total counter' "with a requests counter"
like "$BODY" 'rbd_rest_api_request_duration_seconds_bucket\{method="GET",route="/api/v1/status",le="\+Inf"\}' \
	"and a latency histogram by route"
like "$BODY" 'rbd_rest_api_worker_cluster_connected\{pid="[0-9]+"\} 1' "and per-worker connection state"
like "$BODY" 'rbd_rest_api_workers\{state="idle"\}' "and workers by state"

name='rbd_rest_api_requests_total{method="GET",route="/api/v1/pools/{pool}",code="404"}'
before=$(metric "$name")
for i in 1 2 3; do api GET "/api/v1/pools/nopool-$$"; done
after=$(metric "$name")
is "$(( ${after:-0} - ${before:-0} ))" 3 "three 404s on /pools/{pool} count three, from any worker"

# request_timeout: a worker stuck past it is killed, logged and replaced.
stuck=stuck-$$
ceph osd pool create "$stuck" 8 >/dev/null 2>&1
ceph osd pool application enable "$stuck" rbd >/dev/null 2>&1
ceph osd pool set "$stuck" size 2 >/dev/null 2>&1
ceph osd pool set "$stuck" min_size 2 >/dev/null 2>&1
extra_daemon timeout request_timeout=2 rados_timeout=30
master=$DAEMON_PID
start=$(date +%s)
fcgi "$EXTRA_SOCKET" GET "/api/v1/pools/$stuck/images"
elapsed=$(( $(date +%s) - start ))
ok "$([ "$elapsed" -le 8 ]; echo $?)" "a request on inactive PGs ends within request_timeout, not rados_timeout (${elapsed}s)"
like "$(cat "$EXTRA_DIR/daemon.log")" 'req='"$FCGI_REQUEST_ID"' .*event=worker.request_timeout .*uri="/api/v1/pools/stuck' \
	"the kill is logged with the request id and uri"
for i in $(seq 30); do
	[ "$(worker_pids "$master" | wc -l)" -eq 2 ] && break
	sleep 0.1
done
is "$(worker_pids "$master" | wc -l)" 2 "the worker is replaced"
fcgi "$EXTRA_SOCKET" GET /api/v1/metrics
like "$BODY" 'rbd_rest_api_worker_timeouts_total 1' "and counted in metrics"
ceph osd pool delete "$stuck" "$stuck" --yes-i-really-really-mean-it >/dev/null 2>&1

done_testing
