#!/bin/bash
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
# per address that applies before the (costly) password check.
api GET /api/v1/version
like "$(header Strict-Transport-Security)" 'max-age=[0-9]+' "HSTS on an API answer"
code=$(curl -sS -o /dev/null -D - --cacert "$RBD_API_CACERT" "$RBD_API_URL/api/v1/version" |
	tr -d '\r' | grep -ci '^strict-transport-security:')
is "$code" 1 "and on nginx's own 401"
out=$(curl -sS -o /dev/null -w '%{redirect_url}' -H 'Host: evil.example' "$RBD_API_HTTP_URL/api/v1/pools")
like "$out" '^https://127\.0\.0\.1:[0-9]+/api/v1/pools$' "the HTTP redirect ignores the Host header"
codes=$(for i in $(seq 400); do printf 'url = %s\noutput = /dev/null\n' "$RBD_API_URL/api/v1/version"; done |
	curl -s --cacert "$RBD_API_CACERT" --parallel --parallel-max 50 -w '%{http_code}\n' -K - |
	sort | uniq -c | tr -s ' ' | tr '\n' ',')
like "$codes" ' 429,' "400 requests at once from one address: some are refused with 429 ($codes)"
like "$codes" ' 401,' "the others still get their answer (401: no password sent)"
sleep 3
out=$(for i in $(seq 250); do echo "url = $RBD_API_URL/api/v1/version"; done |
	curl -s --cacert "$RBD_API_CACERT" --parallel --parallel-max 50 -K - 2>/dev/null | grep -m1 '"code":429')
like "$out" '"reason":"TooManyRequests"' "the 429 is the API's JSON Status"
sleep 3
api GET /api/v1/version
expect_status 200 "a moment later the address is served again"

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
