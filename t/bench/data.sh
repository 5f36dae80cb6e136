#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t/bench/data.sh - image content through the API against the rbd CLI, on
# the same cluster in one run (issue 27's benchmark rows):
#
#   download of an image (DATA_SIZE, half of it data)  vs  rbd export IMG -
#   create from an upload of it                        vs  rbd import - IMG
#   PUT into an existing image                         vs  rbd import - IMG
#   a 4 MiB Range read (median, keep-alive)            vs  the floor's open + rbd_read + close
#
# and issue 28's rows, on the same image and a snapshot of it:
#
#   GET .../snapshots/{snap}/diff (a full diff)        vs  rbd export-diff IMG@SNAP -
#   POST .../images/{image}/diff of that stream        vs  rbd import-diff - IMG
#   GET .../extents of an image with EXTENTS extents   vs  rbd diff --format json
#   import of the image file from a URL (a task)       vs  rbd import FILE IMG
#
# and the peak RSS of the daemon's workers and of nginx's workers during
# each (sampled every 0.1 s). Runs against a stack: RBD_STACK_ENV (as
# t/check or `t/stack start` make it), else one it starts in /tmp.
#
#   RBD_STACK_ENV=/tmp/.../env t/bench/data.sh
#   DATA_SIZE=2G DATA_ROUNDS=3 EXTENTS=100000   (defaults)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
size=${DATA_SIZE:-2G}
rounds=${DATA_ROUNDS:-3}
extents=${EXTENTS:-100000}
. "$top/t/lib/stack.sh"
if [ -z "${RBD_STACK_ENV:-}" ]; then
	stack=$(mktemp -d /tmp/bench-data.XXXXXX)
	stack_start "$stack" >&2
	trap 'stack_stop "$stack"; rm -rf "$stack"' EXIT
	RBD_STACK_ENV=$stack/env
fi
. "$RBD_STACK_ENV"
work=$(mktemp -d /tmp/bench-data-work.XXXXXX)
cleanup_work() {
	[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true
	for i in bench-src bench-put bench-up bench-cli bench-diff bench-cdiff bench-ext bench-url bench-fimp; do
		rbd snap purge "rbd/$i" >/dev/null 2>&1 || true
		rbd rm "rbd/$i" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap 'cleanup_work; [ -z "${stack:-}" ] || { stack_stop "$stack"; rm -rf "$stack"; }' EXIT
cc -O2 -Wall -o "$work/floor" "$top/t/bench/floor.c" -lrbd -lrados -lpthread

bytes=$(numfmt --from=iec "$size")
# Half data, half holes, in alternate 4 MiB pieces: what a used disk
# image looks like to rbd export (which reads holes as zeros too).
python3 - "$work/img.raw" "$bytes" <<'PY'
import os, sys
path, size = sys.argv[1], int(sys.argv[2])
piece = 4 << 20
with open(path, "wb") as f:
    f.truncate(size)
    for off in range(0, size, 2 * piece):
        f.seek(off)
        f.write(os.urandom(min(piece, size - off)))
PY

curl_api() { curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" "$@"; }
IMG=$RBD_API_URL/api/v1/pools/rbd/images
master=$(cat "$RBD_STACK_DIR/daemon/daemon.pid")
nginx_master=$(cat "$RBD_STACK_DIR/nginx/nginx.pid")

# peak_rss CMD...: runs CMD, prints "SECONDS WORKER_KIB NGINX_KIB": the
# wall time and the largest RSS of one daemon worker and one nginx
# worker seen while it ran.
peak_rss() {
	local start end pid w=0 n=0 r p
	start=$(date +%s.%N)
	"$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for p in $(pgrep -P "$master" -x rbd-rest-api); do
			r=$(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
			[ "${r:-0}" -gt "$w" ] && w=$r
		done
		for p in $(pgrep -P "$nginx_master"); do
			r=$(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
			[ "${r:-0}" -gt "$n" ] && n=$r
		done
		sleep 0.1
	done
	wait "$pid"
	end=$(date +%s.%N)
	echo "$(echo "$end - $start" | bc) $w $n"
}

# best SECONDS-list: the fastest of the rounds.
best() { tr ' ' '\n' | grep . | sort -n | head -1; }
mbps() { echo "scale=1; $bytes / $1 / 1000000" | bc; }

# Before: the largest worker and nginx worker at rest.
idle=$(peak_rss sleep 0.3)
read -r _ idle_w idle_n <<<"$idle"
rbd import --no-progress "$work/img.raw" rbd/bench-src >/dev/null 2>&1
rbd create --size "${bytes}B" rbd/bench-put

declare -A t rss
run() {  # NAME CMD...: rounds of CMD; keeps the best time and the peak RSS
	local name=$1 times="" peak=0 npeak=0 out
	shift
	for ((i = 0; i < rounds; i++)); do
		out=$(peak_rss "$@")
		times+=" ${out%% *}"
		read -r _ w n <<<"$out"
		[ "$w" -gt "$peak" ] && peak=$w
		[ "$n" -gt "$npeak" ] && npeak=$n
		[ -z "${AFTER:-}" ] || eval "$AFTER"
	done
	t[$name]=$(echo "$times" | best)
	rss[$name]="$((peak / 1024)) MiB / $((npeak / 1024)) MiB"
}

run api_get sh -c "curl -sS --cacert '$RBD_API_CACERT' -u '$RBD_API_USER:$RBD_API_PASSWORD' -o /dev/null '$IMG/bench-src/data'"
run cli_export sh -c "rbd export rbd/bench-src - 2>/dev/null >/dev/null"
AFTER='rbd rm rbd/bench-up >/dev/null 2>&1' run api_create sh -c \
	"curl -sS --cacert '$RBD_API_CACERT' -u '$RBD_API_USER:$RBD_API_PASSWORD' -o /dev/null -X POST -H 'Content-Type: application/octet-stream' -T '$work/img.raw' '$IMG?name=bench-up'"
AFTER='rbd rm rbd/bench-cli >/dev/null 2>&1' run cli_import sh -c \
	"rbd import --no-progress - rbd/bench-cli <'$work/img.raw' >/dev/null 2>&1"
run api_put sh -c "curl -sS --cacert '$RBD_API_CACERT' -u '$RBD_API_USER:$RBD_API_PASSWORD' -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T '$work/img.raw' '$IMG/bench-put/data'"

# 4 MiB Range reads: 50 on one keep-alive connection, median of curl's
# time_total; the floor's open + rbd_read + close, median of 50.
urls=()
for i in $(seq 50); do urls+=("$IMG/bench-src/data"); done
range_ms=$(curl -s --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" -r 0-4194303 \
	-w '%{stderr}%{time_total}\n' "${urls[@]}" 2>&1 >/dev/null | sort -n | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR + 1) / 2)] * 1000}')
CEPH_ARGS="--conf $CEPH_CONF" "$work/floor" read4m rbd bench-src --iterations 50 --latencies "$work/lat" >/dev/null
floor_ms=$(sort -n "$work/lat" | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR + 1) / 2)] / 1000}')

# Diffs: a full diff of the image's snapshot, out and back in.
rbd snap create rbd/bench-src@b1 >/dev/null 2>&1
rbd export-diff rbd/bench-src@b1 "$work/full.diff" >/dev/null 2>&1
fresh() {
	rbd snap purge "rbd/$1" >/dev/null 2>&1 || true
	rbd rm "rbd/$1" >/dev/null 2>&1 || true
	rbd create --size 1M "rbd/$1"
}
fresh bench-diff
fresh bench-cdiff
run api_diff_get sh -c "curl -sS --cacert '$RBD_API_CACERT' -u '$RBD_API_USER:$RBD_API_PASSWORD' -o /dev/null '$IMG/bench-src/snapshots/b1/diff'"
run cli_export_diff sh -c "rbd export-diff --no-progress rbd/bench-src@b1 - >/dev/null 2>&1"
AFTER='fresh bench-diff' run api_diff_post sh -c \
	"curl -sS --cacert '$RBD_API_CACERT' -u '$RBD_API_USER:$RBD_API_PASSWORD' -o /dev/null -X POST -H 'Content-Type: application/octet-stream' -T '$work/full.diff' '$IMG/bench-diff/diff'"
AFTER='fresh bench-cdiff' run cli_import_diff sh -c \
	"rbd import-diff --no-progress - rbd/bench-cdiff <'$work/full.diff' >/dev/null 2>&1"
# Extents: an image full of data, a snapshot e0, then 512-byte writes at
# every other 512 bytes, so none merge; the extents changed since e0 are
# listed as written (those of a full listing are whole objects). Without
# object-map/fast-diff, both list them object by object.
rbd create --size $((extents + 1))K --object-size 1M --image-feature layering rbd/bench-ext
python3 - "$work/ext0.diff" "$work/ext.diff" "$extents" <<'PY'
import struct, sys
full, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
size = (n + 1) * 1024
with open(full, "wb") as f:
    f.write(b"rbd diff v1\n" + b"t" + struct.pack("<I", 2) + b"e0")
    for off in range(0, size, 1 << 20):
        length = min(1 << 20, size - off)
        f.write(b"w" + struct.pack("<QQ", off, length) + b"\x02" * length)
    f.write(b"e")
with open(path, "wb") as f:
    f.write(b"rbd diff v1\n" + b"f" + struct.pack("<I", 2) + b"e0" + b"t" + struct.pack("<I", 2) + b"e1")
    data = b"\x01" * 512
    for i in range(n):
        f.write(b"w" + struct.pack("<QQ", i * 1024, 512) + data)
    f.write(b"e")
PY
rbd import-diff --no-progress "$work/ext0.diff" rbd/bench-ext >/dev/null 2>&1
rbd import-diff --no-progress "$work/ext.diff" rbd/bench-ext >/dev/null 2>&1
ext_pages() {
	local token= n=0
	while :; do
		page=$(curl_api "$IMG/bench-ext/snapshots/e1/extents?from=e0&limit=10000${token:+&continue=$token}")
		n=$((n + $(jq '.Items | length' <<<"$page")))
		token=$(jq -r '.Continue // empty' <<<"$page")
		[ -n "$token" ] || break
	done
	echo "$n" >"$work/ext.count"
}
run api_extents ext_pages
run cli_extents sh -c "rbd diff --format json --from-snap e0 rbd/bench-ext@e1 >/dev/null 2>&1"
ext_count=$(cat "$work/ext.count")

# Import from a URL: the image file served with byte ranges from
# 127.0.0.1 (t/lib/range_server.py; the test stack's import_url_allow
# allows it), imported by a task (librbd's import-only migration in the
# task runner, not in a worker), vs rbd import of the same file.
python3 "$top/t/lib/range_server.py" "$work" "$work/port" 2>/dev/null &
server=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$work/port" ] && break
	sleep 0.1
done
port=$(cat "$work/port")
import_url() {
	local task status
	task=$(curl_api -X POST -H 'Content-Type: application/json' -D - -o /dev/null \
		-d "{\"name\":\"bench-url\",\"source\":{\"url\":\"http://127.0.0.1:$port/img.raw\",\"format\":\"raw\"}}" \
		"$IMG" | sed -n 's/^location: //Ip' | tr -d '\r')
	[ -n "$task" ] || return 1
	while :; do
		status=$(curl_api "$RBD_API_URL$task" | jq -r .status)
		case $status in succeeded) return 0 ;; failed) return 1 ;; esac
		sleep 0.2
	done
}
AFTER='rbd rm rbd/bench-url >/dev/null 2>&1' run api_import_url import_url
AFTER='rbd rm rbd/bench-fimp >/dev/null 2>&1' run cli_import_file sh -c \
	"rbd import --no-progress '$work/img.raw' rbd/bench-fimp >/dev/null 2>&1"

ratio() { echo "scale=2; $2 / $1" | bc; }
cat <<EOF
Image content, $size image ($((bytes / 2 / 1048576)) MiB of data), best of $rounds, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs

| operation | rbd-rest-api (nginx, TLS) | rbd CLI | API / CLI throughput | peak RSS worker / nginx worker |
|---|---|---|---|---|
| download vs \`rbd export IMG -\` | $(mbps "${t[api_get]}") MB/s | $(mbps "${t[cli_export]}") MB/s | $(ratio "${t[api_get]}" "${t[cli_export]}") | ${rss[api_get]} |
| create from an upload vs \`rbd import - IMG\` | $(mbps "${t[api_create]}") MB/s | $(mbps "${t[cli_import]}") MB/s | $(ratio "${t[api_create]}" "${t[cli_import]}") | ${rss[api_create]} |
| PUT into an existing image vs \`rbd import - IMG\` | $(mbps "${t[api_put]}") MB/s | $(mbps "${t[cli_import]}") MB/s | $(ratio "${t[api_put]}" "${t[cli_import]}") | ${rss[api_put]} |
| 4 MiB Range read (median) vs floor open + rbd_read + close | $range_ms ms | $floor_ms ms (floor) | $(echo "scale=2; $floor_ms / $range_ms" | bc) | |
| full diff vs \`rbd export-diff IMG@SNAP -\` | $(mbps "${t[api_diff_get]}") MB/s | $(mbps "${t[cli_export_diff]}") MB/s | $(ratio "${t[api_diff_get]}" "${t[cli_export_diff]}") | ${rss[api_diff_get]} |
| apply it vs \`rbd import-diff - IMG\` | $(mbps "${t[api_diff_post]}") MB/s | $(mbps "${t[cli_import_diff]}") MB/s | $(ratio "${t[api_diff_post]}" "${t[cli_import_diff]}") | ${rss[api_diff_post]} |
| import from a URL (a task) vs \`rbd import FILE IMG\` | $(mbps "${t[api_import_url]}") MB/s | $(mbps "${t[cli_import_file]}") MB/s | $(ratio "${t[api_import_url]}" "${t[cli_import_file]}") | (in the task runner) |
| $ext_count extents (pages of 10000) vs \`rbd diff --format json\` | ${t[api_extents]} s | ${t[cli_extents]} s | $(ratio "${t[api_extents]}" "${t[cli_extents]}") | ${rss[api_extents]} |

MB/s of the diff rows: of the image's size, as for the rows above.

At rest before the run: worker $((idle_w / 1024)) MiB, nginx worker $((idle_n / 1024)) MiB.
EOF
