#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Image content over HTTPS, as a platform team moves it: fill an image from
# a raw file, download a volume and a snapshot, resume a broken download,
# upload in parallel chunks, and what happens when a client goes away or a
# VM has the image open. The rbd CLI is the oracle: what `rbd export`
# gives and what the API gives must have the same sha256. Images stay a
# few MiB (the test cluster's memstore is shared by the whole suite).
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
log=$RBD_STACK_DIR/daemon/daemon.log
work=$(mktemp -d /tmp/rbd-rest-api-data.XXXXXX)
made=()
# Clones first (they are put first), then their parents' snapshots.
cleanup() {
	local i s
	for i in "${made[@]}"; do
		for s in $(rbd snap ls --format json "rbd/$i" 2>/dev/null | jq -r '.[] | select(.protected == "true") | .name'); do
			rbd snap unprotect "rbd/$i@$s" >/dev/null 2>&1
		done
		rbd snap purge "rbd/$i" >/dev/null 2>&1
		rbd rm "rbd/$i" >/dev/null 2>&1
	done
	rm -rf "$work"
}
at_exit cleanup

sha() { sha256sum "$1" | cut -d' ' -f1; }
export_sha() { rbd export "$1" - 2>/dev/null | sha256sum | cut -d' ' -f1; }

# get_data PATH FILE [CURL-ARGS...]: downloads content (never recorded: it
# is no JSON); sets STATUS and HEADERS.
get_data() {
	local path=$1 file=$2
	shift 2
	HEADERS=$(curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" \
		--max-time 120 -D - -o "$file" "$@" "$RBD_API_URL$path") || true
	STATUS=$(printf '%s\n' "$HEADERS" | awk 'NR==1 {print $2}')
}

# put_data METHOD PATH FILE [CURL-ARGS...]: sends FILE as content.
put_data() {
	local method=$1 path=$2 file=$3
	shift 3
	api "$method" "$path" "" -H 'Content-Type: application/octet-stream' \
		--data-binary "@$file" "$@"
}

# A raw disk as cloud images are: data, a long run of zeros, data again up
# to the very last byte; 9 MiB + 12345 bytes, no multiple of the object size.
raw=$work/disk.raw
{
	head -c 3000000 /dev/urandom
	head -c 5000000 /dev/zero
	head -c $((9 * 1048576 + 12345 - 8000000)) /dev/urandom
} >"$raw"
raw_size=$(stat -c %s "$raw")
raw_sha=$(sha "$raw")

story "create an image from an upload"
img=$(unique up)
made+=("$img")
put_data POST "$base?name=$img&object_size=1M" "$raw"
expect_status 201 "POST .../images?name= with a raw body: 201"
is "$(field .Kind)" Image "answered with the Image"
is "$(field .size)" "$raw_size" "its size is the body's length"
is "$(field .object_size)" 1048576 "object_size from the query"
is "$(field .sha256)" "$raw_sha" "with the sha256 of what was received"
is "$(header Location)" "$base/$img" "Location names it"
is "$(export_sha "rbd/$img")" "$raw_sha" "rbd export gives back exactly the file"
used=$(rbd du --format json "rbd/$img" 2>/dev/null | jq '.images[0].used_size')
ok "$([ "$used" -lt "$raw_size" ]; echo $?)" "the zeros are holes: rbd du uses $used of $raw_size bytes"
like "$(grep "uri=\"$base?name=$img" "$log" | tail -1)" \
	"transfer=upload bytes=$raw_size .*sha256=$raw_sha outcome=complete" \
	"one audit line: bytes, sha256, complete"

story "download an image"
get_data "$base/$img/data" "$work/got"
is "$STATUS" 200 "GET .../data: 200"
is "$(header Content-Type)" application/octet-stream "as application/octet-stream"
is "$(header Content-Length)" "$raw_size" "with Content-Length"
is "$(header Accept-Ranges)" bytes "and Accept-Ranges: bytes"
is "$(sha "$work/got")" "$raw_sha" "the same bytes as the file"
like "$(grep "uri=\"$base/$img/data\"" "$log" | tail -1)" \
	"event=audit .*transfer=download bytes=$raw_size .*sha256=$raw_sha outcome=complete" \
	"the download has its audit line"
api HEAD "$base/$img/data"
is "$STATUS" 200 "HEAD .../data: 200"
is "$(header Content-Length)" "$raw_size" "HEAD: Content-Length, no body"

story "a CLI import reads back the same through the API"
cli=$(unique cli)
made+=("$cli")
rbd import --object-size 4M "$raw" "rbd/$cli" >/dev/null 2>&1
get_data "$base/$cli/data" "$work/cli"
is "$(sha "$work/cli")" "$raw_sha" "GET of an rbd import equals the file"

story "ranges"
get_data "$base/$img/data" "$work/r" -r 2999990-3000009
is "$STATUS" 206 "one Range: 206"
is "$(header Content-Range)" "bytes 2999990-3000009/$raw_size" "Content-Range"
cmp -s "$work/r" <(tail -c +2999991 "$raw" | head -c 20)
ok $? "the 20 bytes asked for, across the data's end"
get_data "$base/$img/data" "$work/r" -r -7
is "$(header Content-Range)" "bytes $((raw_size - 7))-$((raw_size - 1))/$raw_size" "a suffix range: the last bytes"
cmp -s "$work/r" <(tail -c 7 "$raw")
ok $? "the very last bytes of the image"
api GET "$base/$img/data" "" -r "$raw_size-"
expect_error 416 RangeNotSatisfiable "not satisfiable" "a range past the end"
is "$(header Content-Range)" "bytes */$raw_size" "416 says the size"
api GET "$base/$img/data" "" -r 0-1,5-6
expect_error 400 BadRequest "several ranges" "several ranges: refused, not the whole image"
api GET "$base/$img/data" "" -H 'Range: lines=1-2'
expect_error 400 BadRequest "malformed" "a Range not in bytes"

story "snapshots: a strong ETag, and a broken download resumes"
api POST "$base/$img/snapshots" '{"name":"s1"}'
expect_status 201 "snapshot s1"
get_data "$base/$img/snapshots/s1/data" "$work/s1"
is "$STATUS" 200 "GET .../snapshots/s1/data: 200"
etag=$(header ETag)
like "$etag" '^"[0-9a-f]+-[0-9a-f]+"$' "a strong ETag: image id and snapshot id"
is "$(sha "$work/s1")" "$raw_sha" "the snapshot's content"
# The image changes; its snapshot does not.
head -c 4096 /dev/urandom >"$work/4k"
put_data PUT "$base/$img/data" "$work/4k"
expect_status 200 "the image is written after the snapshot"
api GET "$base/$img/snapshots/s1/data" "" -H "If-None-Match: $etag"
is "$STATUS" 304 "If-None-Match with its tag: 304"
# A download cut short, then resumed with curl -C - and If-Range.
curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" --limit-rate 2M \
	-o "$work/part" "$RBD_API_URL$base/$img/snapshots/s1/data" &
pid=$!
sleep 1.2
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
have=$(stat -c %s "$work/part")
ok "$([ "$have" -gt 0 ] && [ "$have" -lt "$raw_size" ]; echo $?)" "the first download broke off after $have bytes"
get_data "$base/$img/snapshots/s1/data" "$work/part" -C - -H "If-Range: $etag"
is "$STATUS" 206 "resumed with If-Range: 206"
is "$(header Content-Range)" "bytes $have-$((raw_size - 1))/$raw_size" "from where it stopped"
is "$(sha "$work/part")" "$raw_sha" "the resumed download is whole"
get_data "$base/$img/snapshots/s1/data" "$work/full" -r 10- -H 'If-Range: "not-this-one"'
is "$STATUS" 200 "If-Range with another tag: the whole content"
is "$(sha "$work/full")" "$raw_sha" "all of it"

story "a clone reads through to its parent"
clone=$(unique clone)
rbd snap protect "rbd/$img@s1"
rbd clone "rbd/$img@s1" "rbd/$clone"
made=("$clone" "${made[@]}")
get_data "$base/$clone/data" "$work/clone"
is "$(sha "$work/clone")" "$raw_sha" "the clone's content is its parent snapshot's"
put_data PUT "$base/$clone/data" "$work/4k" -H "Content-Range: bytes 1048576-1052671/$raw_size"
expect_status 200 "a chunk into the clone"
is "$(field .offset)" 1048576 "DataWrite offset"
is "$(field .bytes)" 4096 "DataWrite bytes"
is "$(field .sha256)" "$(sha "$work/4k")" "DataWrite sha256"
{ head -c 1048576 "$raw"; cat "$work/4k"; tail -c +1052673 "$raw"; } >"$work/clone.want"
is "$(export_sha "rbd/$clone")" "$(sha "$work/clone.want")" "rbd export of the clone: parent plus the chunk"

story "a striped image, uploaded in parallel chunks"
striped=$(unique striped)
made+=("$striped")
rbd create --size "${raw_size}B" --object-size 1M --stripe-unit 64K --stripe-count 4 "rbd/$striped"
chunk=2500000
pids=()
for ((off = 0; off < raw_size; off += chunk)); do
	len=$((raw_size - off < chunk ? raw_size - off : chunk))
	tail -c +$((off + 1)) "$raw" | head -c "$len" >"$work/chunk.$off"
	curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" -X PUT \
		-H 'Content-Type: application/octet-stream' \
		-H "Content-Range: bytes $off-$((off + len - 1))/*" --data-binary "@$work/chunk.$off" \
		-o "$work/answer.$off" -w '%{http_code}\n' "$RBD_API_URL$base/$striped/data" >"$work/code.$off" &
	pids+=($!)
done
wait "${pids[@]}"
is "$(cat "$work"/code.* | sort -u)" 200 "four chunks at once: each 200"
is "$(cat "$work"/answer.* | jq -s 'map(.bytes) | add')" "$raw_size" "together they carry every byte"
is "$(cat "$work"/answer.* | jq -s 'map(.zero_bytes) | add > 0')" true "zero runs counted as holes"
is "$(export_sha "rbd/$striped")" "$raw_sha" "rbd export of the striped image equals the file"
get_data "$base/$striped/data" "$work/striped"
is "$(sha "$work/striped")" "$raw_sha" "and so does its download"

story "a PUT that would pass the end writes nothing"
before=$(export_sha "rbd/$striped")
head -c $((raw_size + 1)) /dev/urandom >"$work/long"
put_data PUT "$base/$striped/data" "$work/long"
expect_error 413 PayloadTooLarge "more than image rbd/$striped holds .* nothing was written" \
	"a body longer than the image"
put_data PUT "$base/$striped/data" "$work/4k" -H "Content-Range: bytes $((raw_size - 100))-$((raw_size + 3995))/*"
expect_error 416 RangeNotSatisfiable "ends past the end .*nothing was written" "a chunk past the end"
put_data PUT "$base/$striped/data" "$work/4k" -H "Content-Range: bytes 0-4095/99999999"
expect_error 416 RangeNotSatisfiable "gives the size 99999999" "a Content-Range with another size"
is "$(export_sha "rbd/$striped")" "$before" "the image is unchanged"

story "an image a VM has open is not written"
# `rbd watch` holds a watch until its stdin ends (a kill would leave the
# watch behind until it times out).
mkfifo "$work/watch.in"
rbd watch "rbd/$striped" <"$work/watch.in" >/dev/null 2>&1 &
watcher=$!
exec 7>"$work/watch.in"
at_exit "exec 7>&-; wait $watcher 2>/dev/null"
for _ in $(seq 50); do
	[ "$(rbd status --format json "rbd/$striped" 2>/dev/null | jq '.watchers | length')" -ge 1 ] && break
	sleep 0.1
done
put_data PUT "$base/$striped/data" "$work/4k"
expect_error 409 Conflict "image rbd/$striped is open by 1 client \(client\.[0-9]+ at .*\)" \
	"an upload into an open image: 409 naming the client"
exec 7>&-
wait "$watcher" 2>/dev/null
is "$(export_sha "rbd/$striped")" "$before" "not one byte written: the checksum is unchanged"

story "a client that goes away"
# hang_up PID URI: stops the client PID mid-upload; prints the audit line
# of its request once the daemon has written it.
hang_up() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	for _ in $(seq 50); do
		grep -q "uri=\"$2\".*outcome=client_gone" "$log" && break
		sleep 0.1
	done
	grep "uri=\"$2\"" "$log" | tail -1
}
big=$work/big.raw
head -c $((16 * 1048576)) /dev/urandom >"$big"
gone=$(unique gone)
curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" --limit-rate 3M \
	-H 'Content-Type: application/octet-stream' -T "$big" -X POST -o /dev/null \
	"$RBD_API_URL$base?name=$gone" &
pid=$!
sleep 1
api GET /api/v1/status
is "$(field "[.transfers[] | select(.image == \"rbd/$gone\")][0] | .user + \" \" + .direction")" \
	"admin upload" "the status page lists the transfer: user, image, direction"
is "$(field "[.transfers[] | select(.image == \"rbd/$gone\")][0].bytes > 0")" true "and the bytes so far"
started=$(date +%s%N)
api GET /api/v1/health
is "$STATUS" 200 "health answers while a transfer runs"
ok "$([ $(($(date +%s%N) - started)) -lt 1000000000 ]; echo $?)" "at once"
sleep 0.5
line=$(hang_up "$pid" "$base?name=$gone")
like "$line" "msg=\"the body ended after [0-9]+ of 16777216 bytes \(the client went away\); image rbd/$gone was not created\".* outcome=client_gone" \
	"the log says the client went away, not success"
is "$(rbd ls rbd | grep -c "^$gone")" 0 "a create cut short leaves nothing, not even an unfinished image"

put=$(unique put)
made+=("$put")
rbd create --size 16M "rbd/$put"
curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" --limit-rate 3M \
	-H 'Content-Type: application/octet-stream' -T "$big" -o /dev/null \
	"$RBD_API_URL$base/$put/data" &
pid=$!
sleep 1.5
line=$(hang_up "$pid" "$base/$put/data")
like "$line" "status=400 .*the client went away.*outcome=client_gone" "a PUT cut short claims no success"
got=$(printf '%s' "$line" | sed -n 's/.* bytes=\([0-9]*\) .*/\1/p')
ok "$([ "${got:-0}" -gt 0 ] && [ "$got" -lt 16777216 ]; echo $?)" "it names the bytes received ($got)"
cmp -s <(rbd export "rbd/$put" - 2>/dev/null | head -c "${got:-0}") <(head -c "${got:-0}" "$big")
ok $? "the image holds the bytes before the break"

story "a worker runs at most max_transfers transfers"
extra_daemon transfers workers=1 threads=4 max_transfers=1
# A download whose reader stops reading holds its transfer: the answer
# fills the pipe and the socket, and the worker waits to write more.
env -i REQUEST_METHOD=GET REQUEST_URI="$base/$put/data" REQUEST_ID="$FCGI_REQUEST_ID" \
	REMOTE_USER=tester timeout 60 cgi-fcgi -bind -connect "$EXTRA_SOCKET" 2>/dev/null |
	{ sleep 4; cat >/dev/null; } &
held=$!
sleep 1
fcgi "$EXTRA_SOCKET" GET /api/v1/status
is "$(printf '%s' "$BODY" | jq '.transfers | length')" 1 "one transfer runs"
fcgi "$EXTRA_SOCKET" GET "$base/$img/data"
is "$STATUS" 429 "a second one: 429"
like "$(printf '%s' "$BODY" | jq -r .message)" "max_transfers" "naming max_transfers"
like "$HEADERS" "Retry-After: [0-9]+" "with Retry-After"
fcgi "$EXTRA_SOCKET" GET /api/v1/health
is "$STATUS" 200 "health still answers"
fcgi "$EXTRA_SOCKET" GET "$base/$img"
is "$STATUS" 200 "and so do reads"
wait "$held"
fcgi "$EXTRA_SOCKET" HEAD "$base/$img/data"
is "$STATUS" 200 "once it ended, the next transfer runs"

story "health answers while four 1 GiB transfers run"
# Downloads of an empty image: 4 GiB through nginx and TLS, no storage.
empty=$(unique empty)
made+=("$empty")
rbd create --size 1G "rbd/$empty"
pids=()
for i in 1 2 3 4; do
	curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" --max-time 300 \
		-o /dev/null -w '%{http_code} %{size_download}\n' "$RBD_API_URL$base/$empty/data" \
		>"$work/dl.$i" &
	pids+=($!)
done
sleep 1
api GET /api/v1/status
is "$(field '[.transfers[] | select(.image == "rbd/'"$empty"'")] | length')" 4 "the status page shows the four"
# 200 health requests on one keep-alive connection, timed by curl.
urls=()
for i in $(seq 200); do urls+=("$RBD_API_URL/api/v1/health"); done
curl -s --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" \
	-w '%{stderr}%{http_code} %{time_total}\n' "${urls[@]}" 2>"$work/health" >/dev/null
p99=$(sort -k2 -n "$work/health" | awk '{t[NR] = $2} END {print t[int(NR * 0.99)] * 1000}')
is "$(awk '{print $1}' "$work/health" | sort -u)" 200 "health: 200 every time"
ok "$(awk -v p="$p99" 'BEGIN {exit !(p < 250)}'; echo $?)" "health p99 ${p99} ms during the transfers (bench target 50 ms)"
wait "${pids[@]}"
is "$(cat "$work"/dl.* | sort -u)" "200 1073741824" "the four downloads: 1 GiB each, whole"

story "metrics count the bytes"
api GET /api/v1/metrics
like "$BODY" 'rbd_rest_api_data_bytes_total\{direction="out"\} [1-9]' "bytes out"
like "$BODY" 'rbd_rest_api_data_bytes_total\{direction="in"\} [1-9]' "bytes in"
like "$BODY" 'rbd_rest_api_transfers_broken_total [1-9]' "broken transfers"

story "a trailing slash takes the same way"
head -c 200000 /dev/urandom >"$work/200k"
put_data PUT "$base/$img/data/" "$work/200k"
expect_status 200 "PUT .../data/ with 200 KB (past the JSON routes' 64k)"
is "$(field .bytes)" 200000 "all of it written"

story "bad input"
api PUT "$base/$img/data" "" -H 'Content-Type: text/plain' --data-binary "@$work/4k"
expect_error 415 UnsupportedMediaType "application/octet-stream" "a wrong Content-Type"
put_data PUT "$base/$img/data" "$work/4k" -H 'Content-Range: bytes 5-1/*'
expect_error 400 BadRequest "Content-Range .* is malformed" "a malformed Content-Range"
put_data PUT "$base/$img/data" "$work/4k" -H 'Content-Range: bytes 0-99/*'
expect_error 400 BadRequest "covers 100 bytes but the body has 4096" "a Content-Range that is not the body's"
api PUT "$base/$img/data" "" -H 'Content-Type: application/octet-stream' -H 'Transfer-Encoding: chunked' \
	--http1.1 --data-binary "@$work/4k"
expect_error 411 LengthRequired "Content-Length" "a chunked body: 411, send the length"
put_data POST "$base?name=x&size=1" "$work/4k"
expect_error 413 PayloadTooLarge "more than the size asked for" "a body larger than the size asked for"
put_data POST "$base?name=$img" "$work/4k"
expect_error 409 Conflict "already exists" "create from an upload onto an existing name"
put_data POST "$base?name=x&color=red" "$work/4k"
expect_error 400 BadRequest "unknown query parameter \"color\"" "an unknown query parameter"
api POST "$base?name=x" '{"name":"x","size":"1M"}'
expect_error 400 BadRequest "query parameters .* are for a create from an upload" "a JSON create with query parameters"
api GET "$base/$img/data" "" -u "$RBD_API_VIEWER"
expect_error 403 Forbidden "may not read image content .*verb read_data" "a viewer may not read content"
api GET "$base/$img/snapshots/s1/data" "" -u "$RBD_API_VIEWER"
expect_error 403 Forbidden "verb read_data" "nor a snapshot's"
tenant_pool=${RBD_API_TENANT_SCOPE%%/*}
hidden=$(unique hidden)
rbd namespace create "$tenant_pool/$hidden"
at_exit "rbd namespace remove $tenant_pool/$hidden 2>/dev/null"
api GET "/api/v1/pools/$tenant_pool/namespaces/$hidden/images/x/data" "" -u "$RBD_API_TENANT"
expect_error 404 NotFound "does not exist" "a tenant outside its scope: 404"
api GET "$base/no-such-image/data"
expect_error 404 NotFound "image rbd/no-such-image does not exist" "a missing image"
api GET "$base/$img/snapshots/nope/data"
expect_error 404 NotFound "snapshot rbd/$img@nope does not exist" "a missing snapshot"

done_testing
