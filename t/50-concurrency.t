#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Racing clients: many creates of one name, deletes against deletes and
# snapshots, resizes against resizes. Never a 5xx, never two images.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
img=$(unique race)
results=$(mktemp)

call() {  # METHOD PATH [BODY] -> prints the status code
	curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" -o /dev/null \
		-w '%{http_code}\n' -X "$1" ${3:+-H 'Content-Type: application/json' --data-binary "$3"} \
		"$RBD_API_URL$2"
}

for i in $(seq 50); do
	call POST $base "{\"name\":\"$img\",\"size\":\"1G\"}" >>"$results" &
done
wait
is "$(grep -c '^201$' "$results")" 1 "50 concurrent creates of one name: exactly one 201"
is "$(grep -c '^409$' "$results")" 49 "the other 49 are 409"
is "$(rbd ls rbd | grep -cx "$img")" 1 "one image exists"

: >"$results"
for i in $(seq 6); do
	call PATCH "$base/$img" "{\"size\":\"$((i + 1))G\"}" >>"$results" &
done
wait
# Each resize either lands or, when a larger one landed first, is refused
# as a shrink; the image ends at one of the sizes asked for.
is "$(grep -c '^5' "$results")" 0 "6 concurrent resizes: no 5xx"
is "$(grep -cv '^200$\|^400$' "$results")" 0 "each answers 200 or 400 (a shrink refused)"
size=$(rbd info --format json "rbd/$img" | jq -r .size)
ok "$([ $((size % (1 << 30))) -eq 0 ] && [ $((size >> 30)) -ge 2 ] && [ $((size >> 30)) -le 7 ]; echo $?)" \
	"the image has one of the sizes asked for ($size)"

: >"$results"
for i in $(seq 6); do
	call DELETE "$base/$img" >>"$results" &
done
wait
is "$(grep -c '^5' "$results")" 0 "6 concurrent deletes: no 5xx"
# librbd may let two racing removes both report success; what matters is
# that each answer is one a client can act on.
ok "$([ "$(grep -c '^204$' "$results")" -ge 1 ]; echo $?)" "at least one 204"
is "$(grep -cv '^204$\|^404$\|^409$' "$results")" 0 "the others are 204, 404 or 409"
rbd info "rbd/$img" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the image is gone"

# Delete racing a snapshot create, from the CLI and through the API:
# either may win, nobody gets a 5xx, and the image is deleted or kept whole.
snapres=$(mktemp)
for round in 1 2 3 4; do
	name=$(unique snaprace)
	rbd create --size 1M "rbd/$name"
	: >"$results"
	: >"$snapres"
	if [ "$round" -le 2 ]; then
		rbd snap create "rbd/$name@s" >/dev/null 2>&1 &
	else
		call POST "$base/$name/snapshots" '{"name":"s"}' >>"$snapres" &
	fi
	call DELETE "$base/$name" >>"$results"
	wait
	code=$(cat "$results")
	like "$code" '^(204|409)$' "round $round: delete racing a snapshot answers $code"
	if [ "$round" -gt 2 ]; then
		like "$(cat "$snapres")" '^(201|404|409)$' "round $round: and the snapshot create $(cat "$snapres")"
	fi
	rbd snap purge "rbd/$name" >/dev/null 2>&1
	rbd rm "rbd/$name" >/dev/null 2>&1
done
rm -f "$snapres"

rm -f "$results"
done_testing
