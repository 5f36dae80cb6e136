#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t/bench/conditional.sh - what entity tags, Idempotency-Key and the image
# change lease add per request (issue 17), measured straight on the
# daemon's FastCGI socket so nginx and TLS do not blur it.
#
#   BENCH_BASE_BIN=/path/to/rbd-rest-api-before t/bench/conditional.sh [N]
#
# Starts a throw-away cluster and two daemons on it, one worker with one
# request thread each (no cold-worker noise): this build, and the one in
# BENCH_BASE_BIN (built from the commit before issue 17). Sends N (200)
# requests of each kind to each, one at a time, and prints the median and
# 90th percentile in ms. Figures are in t/bench/README.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-200}
base_bin=${BENCH_BASE_BIN:?set BENCH_BASE_BIN to the rbd-rest-api built before issue 17}
dir=$(mktemp -d /tmp/bench-conditional.XXXXXX)
. "$top/t/lib/cluster.sh"
. "$top/t/lib/daemon.sh"
cleanup() {
	daemon_stop "$dir/new" || true
	daemon_stop "$dir/base" || true
	cluster_stop "$dir/cluster" || true
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/cluster"
cluster_start "$dir/cluster" >/dev/null
export CEPH_CONF=$dir/cluster/ceph.conf
RBD_REST_API_BIN=$top/src/rbd-rest-api daemon_start "$dir/new" "$CEPH_CONF" workers=1 threads=1
new=$DAEMON_SOCKET
RBD_REST_API_BIN=$base_bin daemon_start "$dir/base" "$CEPH_CONF" workers=1 threads=1
base=$DAEMON_SOCKET
rbd create --size 8M rbd/plain
rbd create --size 8M rbd/snapped
rbd snap create rbd/snapped@s1 >/dev/null 2>&1
time_it() { "$top/t/bench/fcgi_time.py" "$@"; }
img=/api/v1/pools/rbd/images
row() {
	local what=$1 b w
	shift
	b=$(time_it "$base" "$n" "$@")
	w=$(time_it "$new" "$n" "$@")
	printf '| %s | %s | %s |\n' "$what" "$(echo "$b" | awk '{print $1" / "$2}')" \
		"$(echo "$w" | awk '{print $1" / "$2" ("$3")"}')"
}
echo "| request ($n each, median / p90 ms) | before | with issue 17 |"
echo "|---|---|---|"
# Warm both up once.
time_it "$base" 20 GET "$img/plain" >/dev/null
time_it "$new" 20 GET "$img/plain" >/dev/null
row "GET image (header read; ETag)" GET "$img/plain"
row "GET image with a snapshot (opened; ETag: +2 round trips)" GET "$img/snapped"
row "GET snapshot (ETag: +2 round trips)" GET "$img/snapped/snapshots/s1"
row "GET image, If-None-Match: 304" GET "$img/plain" "" 'HTTP_IF_NONE_MATCH=*'
row "PATCH image size (lease: +2 round trips)" PATCH "$img/plain" '{"size":"8M"}'
w=$(time_it "$new" "$n" POST "$img" '{"name":"k{i}","size":"1M"}')
k=$(time_it "$new" "$n" POST "$img" '{"name":"j{i}","size":"1M"}' 'HTTP_IDEMPOTENCY_KEY=key-{i}')
r=$(time_it "$new" "$n" POST "$img" '{"name":"j{i}","size":"1M"}' 'HTTP_IDEMPOTENCY_KEY=key-{i}')
printf '| POST create image: without a key / with a new key / replayed | %s | %s / %s / %s |\n' "-" \
	"$(echo "$w" | awk '{print $1}')" "$(echo "$k" | awk '{print $1}')" "$(echo "$r" | awk '{print $1" ("$3")"}')"
