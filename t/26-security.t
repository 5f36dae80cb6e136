#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile input on the response path: a request id far too long sent
# straight to the FastCGI socket, and names so long (250 bytes of two-byte
# characters each) that the Location of what was made is over 2 KB. Each
# must leave the worker alive and the answer whole.
. "$(dirname "$0")/lib/test-lib.sh"

socket=$RBD_STACK_DIR/daemon/run/rbd-rest-api.sock
master=$(cat "$RBD_STACK_DIR/daemon/daemon.pid")
log=$RBD_STACK_DIR/daemon/daemon.log
workers_before=$(worker_pids "$master" | tr '\n' ' ')
lines_before=$(wc -l <"$log")

# A 40 KB REQUEST_ID (it used to overflow the header buffer: SIGSEGV).
long_id=$(head -c 40000 /dev/zero | tr '\0' 'f')
rawfcgi() {  # REQUEST_ID URI [REMOTE_USER [METHOD]]
	env -i REQUEST_METHOD="${4:-GET}" REQUEST_URI="$2" REQUEST_ID="$1" \
		REMOTE_USER="${3:-tester}" CONTENT_LENGTH=0 timeout 30 \
		cgi-fcgi -bind -connect "$socket" 2>&1
}
out=$(rawfcgi "$long_id" /api/v1/version)
like "$out" '^Status: 200' "a 40 KB request id: the request is answered"
like "$out" $'X-Request-Id: -\r' "and the id is not echoed"
out=$(rawfcgi 'abc"def' /api/v1/version)
like "$out" $'X-Request-Id: -\r' "an id that is not hex is not echoed either"
out=$(rawfcgi 0123456789abcdef0123456789abcdef /api/v1/version)
like "$out" $'X-Request-Id: 0123456789abcdef0123456789abcdef\r' "nginx's kind of id is"
sleep 0.2
is "$(worker_pids "$master" | tr '\n' ' ')" "$workers_before" "no worker died"
ok "$(tail -n +"$((lines_before + 1))" "$log" | grep -q 'event=worker.died'; [ $? -ne 0 ]; echo $?)" \
	"and the master logged no death"

# The audit line cannot be forged: a '"' in the URI is escaped, and the
# user (unquoted) keeps no space or '='.
rid=$(printf 'a%07x' $$)
rawfcgi "$rid" '/api/v1/pools/rbd/images/nope" status=204 x="' 'eve status=204' DELETE >/dev/null
line=$(grep "req=$rid " "$log")
like "$line" 'uri="/api/v1/pools/rbd/images/nope\\" status=204 x=\\"" status=4' \
	"a quote in the URI is escaped in the audit line"
like "$line" ' user=eve\?status\?204 ' "the user cannot add a field"

# Names of 250 bytes, two bytes per character: 750 bytes each encoded.
name=$(printf 'é%.0s' $(seq 125))
enc=$(printf '%%C3%%A9%.0s' $(seq 125))
ns_path=/api/v1/pools/rbd/namespaces/$enc
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$name\"}"
ok "$([ "$STATUS" = 201 ] || [ "$STATUS" = 409 ]; echo $?)" "a namespace with a 250-byte name"
api POST "$ns_path/images" "{\"name\":\"$name\",\"size\":\"1M\"}"
expect_status 201 "an image with a 250-byte name in it"
is "$(header Location)" "$ns_path/images/$enc" "its Location is whole"
api POST "$ns_path/images/$enc/snapshots" "{\"name\":\"$name\"}"
expect_status 201 "a snapshot with a 250-byte name: 201, not 500 after the snapshot was made"
location=$(header Location)
is "$location" "$ns_path/images/$enc/snapshots/$enc" "its 2.3 KB Location is whole"
is "${#location}" 2298 "every byte of it (more than the 2 KiB the headers once had)"
api GET "$location"
expect_status 200 "and leads to the snapshot"
api DELETE "$location"
expect_status 204 "clean up: the snapshot"
api DELETE "$ns_path/images/$enc"
expect_status 204 "the image"
api DELETE "$ns_path"
expect_status 204 "the namespace"

# A trashed image whose stored name breaks our rule (made with the rbd
# CLI): restoring it under that name gives the full Location, not stale
# stack bytes after a cut name.
long=$(unique "$(printf 'é%.0s' $(seq 140))")
if rbd create --size 1M "rbd/$long" >/dev/null 2>&1; then
	id=$(rbd info --format json "rbd/$long" | jq -r .id)
	rbd trash mv "rbd/$long" >/dev/null 2>&1
	api POST "/api/v1/pools/rbd/trash/$id/restore"
	expect_status 201 "restore of an image with a ${#long}-byte stored name"
	is "$(header Location)" "/api/v1/pools/rbd/images/$(jq -rn --arg s "$long" '$s | @uri')" \
		"its Location is the whole name, encoded (over 750 bytes)"
	rbd rm "rbd/$long" >/dev/null 2>&1
else
	ok 0 "# SKIP the rbd CLI refused a ${#long}-byte name"
fi

# Bounded work: a detail page opens every image on it.
api GET "/api/v1/pools/rbd/images?detail=true&limit=1001"
expect_error 400 BadRequest 'limit must be an integer from 1 to 1000' "a detail page of 1001 images"
api GET "/api/v1/pools/rbd/images?limit=1001"
expect_status 200 "a page of 1001 names is fine"

# Work that grows with the image (copy, flatten, rollback) is refused
# synchronously past sync_max_size (32G): it could outlast the request.
big=$(unique big)
api POST /api/v1/pools/rbd/images "{\"name\":\"$big\",\"size\":\"40G\"}"
expect_status 201 "a 40G (thin) image"
api POST "/api/v1/pools/rbd/images/$big/copy" "{\"pool\":\"rbd\",\"name\":\"$big-copy\"}"
expect_error 400 BadRequest "copying image rbd/$big \\(42949672960 bytes\\) could outlast the request.*ask with \\?async=true" \
	"a synchronous copy of it"
api GET "/api/v1/pools/rbd/images/$big-copy"
expect_status 404 "and nothing was copied"
api POST "/api/v1/pools/rbd/images/$big/snapshots" '{"name":"s"}'
api POST "/api/v1/pools/rbd/images/$big/snapshots/s/rollback"
expect_error 400 BadRequest 'rolling back image .* sync_max_size' "a synchronous rollback of it"
api DELETE "/api/v1/pools/rbd/images/$big/snapshots/s"
api DELETE "/api/v1/pools/rbd/images/$big"
expect_status 204 "delete it (the object map keeps a delete quick)"

# nginx: HSTS on answers of every kind, a redirect that goes where the
# configuration says rather than where the Host header says, and a limit
# per address that applies before the (costly) password check but queues
# rather than refuses.
api GET /api/v1/version
like "$(header Strict-Transport-Security)" 'max-age=[0-9]+' "HSTS on an API answer"
code=$(curl -sS -o /dev/null -D - --cacert "$RBD_API_CACERT" "$RBD_API_URL/api/v1/version" |
	tr -d '\r' | grep -ci '^strict-transport-security:')
is "$code" 1 "and on nginx's own 401"
out=$(curl -sS -o /dev/null -w '%{redirect_url}' -H 'Host: evil.example' "$RBD_API_HTTP_URL/api/v1/pools")
like "$out" '^https://127\.0\.0\.1:[0-9]+/api/v1/pools$' "the HTTP redirect ignores the Host header"
# Ordinary automation is not refused: 600 creates on 8 threads from one
# address (a provisioner, a CI job) all answer 201. Over the per-address
# rate requests queue, they do not fail.
bulk=$(unique bulk)
at_exit "rbd ls rbd | grep '^$bulk-' | xargs -r -n1 -I{} rbd rm rbd/{} >/dev/null 2>&1"
many() {  # METHOD COUNT THREADS URL-FORMAT [DATA-FORMAT]: status counts, "code:count ..."
	local method=$1 count=$2 threads=$3 url=$4 data=${5:-} i
	for ((i = 1; i <= count; i++)); do
		printf 'url = "%s"\nrequest = %s\ncacert = "%s"\nuser = "%s:%s"\noutput = /dev/null\n' \
			"$RBD_API_URL$(printf "$url" "$i")" "$method" "$RBD_API_CACERT" "$RBD_API_USER" \
			"$RBD_API_PASSWORD"
		[ -z "$data" ] ||
			printf 'header = "Content-Type: application/json"\ndata = "%s"\n' \
				"$(printf "$data" "$i" | sed 's/"/\\"/g')"
		printf 'write-out = "%%{http_code}\\n"\n'
		((i < count)) && echo next
	done | curl -s --parallel --parallel-max "$threads" -K - 2>/dev/null | sort | uniq -c |
		awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}'
}
start=$(date +%s.%N)
codes=$(many POST 600 8 /api/v1/pools/rbd/images "{\"name\":\"$bulk-%d\",\"size\":\"1M\"}")
took=$(echo "$(date +%s.%N) - $start" | bc)
is "$codes" "201:600" "600 creates on 8 threads from one address: all 201, no 429 (in $took s)"
is "$(rbd ls rbd | grep -c "^$bulk-")" 600 "600 images made"
codes=$(many DELETE 600 8 "/api/v1/pools/rbd/images/$bulk-%d")
is "$codes" "204:600" "and 600 deletes: all 204"

# A flood of wrong passwords cannot take nginx's CPU: they are checked at
# the per-address rate (300/s) at most, the excess waits before its
# check. Against a bcrypt entry (htpasswd -B, ~2 ms of CPU a check) that
# bounds the flood near 0.6 s of nginx CPU a second; unbounded, 64 at a
# time would take all of it.
htpasswd=$RBD_STACK_DIR/nginx/htpasswd
cp "$htpasswd" "$htpasswd.saved"
at_exit "cp '$htpasswd.saved' '$htpasswd'; rm -f '$htpasswd.saved'"
htpasswd -bB "$htpasswd" "human-$$" "the right one" 2>/dev/null
nginx_cpu() {  # CPU seconds (user + system) of nginx's workers so far
	local pid ticks=0
	for pid in $(pgrep -P "$(cat "$RBD_STACK_DIR/nginx/nginx.pid")"); do
		ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
	done
	echo "scale=3; $ticks / $(getconf CLK_TCK)" | bc
}
log=$RBD_STACK_DIR/nginx/error.log
checked_before=$(grep -c 'password mismatch' "$log")
cpu_before=$(nginx_cpu)
start=$(date +%s.%N)
codes=$(for i in $(seq 1200); do
	printf 'url = "%s/api/v1/version"\ncacert = "%s"\nuser = "human-%s:wrong-%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\nnext\n' \
		"$RBD_API_URL" "$RBD_API_CACERT" "$$" "$i"
done | sed '$d' | curl -s --parallel --parallel-max 64 -K - 2>/dev/null | sort | uniq -c |
	awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}')
took=$(echo "$(date +%s.%N) - $start" | bc)
cpu=$(echo "$(nginx_cpu) - $cpu_before" | bc)
checked=$(($(grep -c 'password mismatch' "$log") - checked_before))
echo "# wrong-password flood: 1200 requests, 64 at a time: $codes in ${took} s;" \
	"$checked password checks; nginx CPU ${cpu} s ($(echo "scale=2; $cpu / $took" | bc) of a core)"
like "$codes" '^401:[0-9]+( 429:[0-9]+)?$' "every wrong password is 401 (or 429 past the queue)"
ok "$(echo "$checked / $took <= 300 * 1.2 + 100 / $took" | bc -l | grep -qx 1; echo $?)" \
	"at most the per-address rate of password checks ($checked in $took s)"
ok "$(echo "$cpu / $took < 0.9" | bc -l | grep -qx 1; echo $?)" \
	"nginx kept CPU to spare (${cpu} s of CPU in ${took} s)"
api GET /api/v1/version
expect_status 200 "the right password is served meanwhile and after"

# What is refused: more than 64 requests at a time from one address (64
# uploads held open by a slow body, then one more), with the API's JSON.
slow=$(mktemp)
at_exit "rm -f $slow"
head -c 60000 /dev/zero | tr '\0' ' ' >"$slow"
holders=()
for i in $(seq 64); do
	curl -s -o /dev/null --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" \
		-H 'Content-Type: application/json' --limit-rate 1k --data-binary "@$slow" \
		"$RBD_API_URL/api/v1/pools/rbd/images" &
	holders+=($!)
done
at_exit "kill ${holders[*]} 2>/dev/null"
sleep 2
api GET /api/v1/version
expect_error 429 TooManyRequests 'too many requests or connections from this address' \
	"a 65th request at a time is refused with the API's JSON 429"
is "$(header Retry-After)" 1 "saying when to retry"
kill "${holders[@]}" 2>/dev/null
wait "${holders[@]}" 2>/dev/null
sleep 1
api GET /api/v1/version
expect_status 200 "once they are gone the address is served again"
# The socket's trust boundary: whoever connects may name any REMOTE_USER,
# so a TCP address other hosts can reach is refused unless allowed, and
# then only with FCGI_WEB_SERVER_ADDRS (which libfcgi checks on accept).
bin=$(daemon_bin)
free_port port
out=$("$bin" --allow_root=true --workers=1 --listen="0.0.0.0:$port" 2>&1)
like "$out" 'can be reached from other hosts.*listen_remote = true' "listen 0.0.0.0 is refused"
out=$("$bin" --allow_root=true --workers=1 --listen="0.0.0.0:$port" --listen_remote=true 2>&1)
like "$out" 'needs FCGI_WEB_SERVER_ADDRS' "listen_remote without FCGI_WEB_SERVER_ADDRS is refused"
out=$("$bin" --allow_root=true --workers=1 --listen="[::]:$port" --listen_remote=true 2>&1)
like "$out" 'only filters IPv4 peers' "remote IPv6 is refused"
tcp_log=$(mktemp)
FCGI_WEB_SERVER_ADDRS=127.0.0.2 "$bin" --allow_root=true --workers=1 --ceph_conf="$CEPH_CONF" \
	--listen="0.0.0.0:$port" --listen_remote=true >"$tcp_log" 2>&1 &
tcp_pid=$!
for i in $(seq 50); do grep -q 'master.ready' "$tcp_log" && break; sleep 0.1; done
out=$(env -i REQUEST_METHOD=GET REQUEST_URI=/api/v1/version REMOTE_USER=tester timeout 10 \
	cgi-fcgi -bind -connect "127.0.0.1:$port" 2>&1)
ok "$([[ $out != *Status:* ]]; echo $?)" "a peer not in FCGI_WEB_SERVER_ADDRS gets no answer"
kill "$tcp_pid"
wait "$tcp_pid" 2>/dev/null
FCGI_WEB_SERVER_ADDRS=127.0.0.1 "$bin" --allow_root=true --workers=1 --ceph_conf="$CEPH_CONF" \
	--listen="0.0.0.0:$port" --listen_remote=true >"$tcp_log" 2>&1 &
tcp_pid=$!
for i in $(seq 50); do grep -q 'master.ready' "$tcp_log" && break; sleep 0.1; done
out=$(env -i REQUEST_METHOD=GET REQUEST_URI=/api/v1/version REMOTE_USER=tester timeout 10 \
	cgi-fcgi -bind -connect "127.0.0.1:$port" 2>&1)
like "$out" '^Status: 200' "one that is gets its answer"
kill "$tcp_pid"
wait "$tcp_pid" 2>/dev/null
rm -f "$tcp_log"

done_testing
