#!/bin/bash
# t/bench/data.sh - image content through the API against the rbd CLI, on
# the same cluster in one run (issue 27's benchmark rows):
#
#   download of an image (DATA_SIZE, half of it data)  vs  rbd export IMG -
#   create from an upload of it                        vs  rbd import - IMG
#   PUT into an existing image                         vs  rbd import - IMG
#   a 4 MiB Range read (median, keep-alive)            vs  the floor's open + rbd_read + close
#
# and the peak RSS of the daemon's workers and of nginx's workers during
# each (sampled every 0.1 s). Runs against a stack: RBD_STACK_ENV (as
# t/check or `t/stack start` make it), else one it starts in /tmp.
#
#   RBD_STACK_ENV=/tmp/.../env t/bench/data.sh
#   DATA_SIZE=2G DATA_ROUNDS=3          (defaults)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
size=${DATA_SIZE:-2G}
rounds=${DATA_ROUNDS:-3}
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
	for i in bench-src bench-put bench-up bench-cli; do rbd rm "rbd/$i" >/dev/null 2>&1 || true; done
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

ratio() { echo "scale=2; $2 / $1" | bc; }
cat <<EOF
Image content, $size image ($((bytes / 2 / 1048576)) MiB of data), best of $rounds, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs

| operation | rbd-rest-api (nginx, TLS) | rbd CLI | API / CLI throughput | peak RSS worker / nginx worker |
|---|---|---|---|---|
| download vs \`rbd export IMG -\` | $(mbps "${t[api_get]}") MB/s | $(mbps "${t[cli_export]}") MB/s | $(ratio "${t[api_get]}" "${t[cli_export]}") | ${rss[api_get]} |
| create from an upload vs \`rbd import - IMG\` | $(mbps "${t[api_create]}") MB/s | $(mbps "${t[cli_import]}") MB/s | $(ratio "${t[api_create]}" "${t[cli_import]}") | ${rss[api_create]} |
| PUT into an existing image vs \`rbd import - IMG\` | $(mbps "${t[api_put]}") MB/s | $(mbps "${t[cli_import]}") MB/s | $(ratio "${t[api_put]}" "${t[cli_import]}") | ${rss[api_put]} |
| 4 MiB Range read (median) vs floor open + rbd_read + close | $range_ms ms | $floor_ms ms (floor) | $(echo "scale=2; $floor_ms / $range_ms" | bc) | |

At rest before the run: worker $((idle_w / 1024)) MiB, nginx worker $((idle_n / 1024)) MiB.
EOF
