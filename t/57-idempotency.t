#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Idempotency-Key: automation retries a POST whose answer it lost, maybe
# through another replica of the service. The first execution's answer is
# kept in the cluster and replayed; one object is made, whatever the
# number of repeats and replicas. A second daemon on the same cluster (its
# own workers, scoreboard and locks, as on another host) plays the other
# replica, reached straight on its FastCGI socket.
. "$(dirname "$0")/lib/test-lib.sh"

replica_start || { echo "Bail out! the second replica did not start"; exit 1; }

base=/api/v1/pools/rbd/images
img=$(unique idem)
key=$(unique key)
at_exit "rbd rm rbd/$img >/dev/null 2>&1; rbd rm rbd/$img-copy >/dev/null 2>&1; rbd rm rbd/$img-race >/dev/null 2>&1"

story "a retried create through the other replica gets the first answer"
api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}" -H "Idempotency-Key: $key"
expect_status 201 "the first create"
first=$BODY
is "$(header Idempotent-Replayed)" "" "not a replay"
replica POST $base "{\"name\":\"$img\",\"size\":\"8M\"}" HTTP_IDEMPOTENCY_KEY="$key"
expect_status 201 "the same POST on the other replica: the same status"
is "$(header Idempotent-Replayed)" true "marked as replayed"
is "$(header Location)" "$base/$img" "the same Location"
is "$(printf '%s' "$BODY" | jq -c 'del(.modify_timestamp, .access_timestamp)')" \
	"$(printf '%s' "$first" | jq -c 'del(.modify_timestamp, .access_timestamp)')" "the same body"
api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}" -H "Idempotency-Key: $key"
expect_status 201 "and again on the first"
is "$(rbd ls rbd | grep -cx "$img")" 1 "one image"

story "the same key for another request is refused"
api POST $base "{\"name\":\"$img\",\"size\":\"16M\"}" -H "Idempotency-Key: $key"
expect_error 422 UnprocessableEntity 'was used for another request' "another body: 422"
api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_error 409 Conflict 'already exists' "without the key the create runs, and conflicts"

story "keys are per user"
if [ -n "${RBD_API_VIEWER:-}" ] && [ -n "${RBD_API_TENANT:-}" ]; then
	saved_user=$RBD_API_USER saved_password=$RBD_API_PASSWORD
	RBD_API_USER=${RBD_API_TENANT%%:*} RBD_API_PASSWORD=${RBD_API_TENANT#*:}
	tscope=${RBD_API_TENANT_SCOPE#rbd/}
	api POST "/api/v1/pools/rbd/namespaces/$tscope/images" "{\"name\":\"$img\",\"size\":\"8M\"}" \
		-H "Idempotency-Key: $key"
	is "$(header Idempotent-Replayed)" "" "another user's same key runs as new"
	[ "$STATUS" != 201 ] || at_exit "rbd rm rbd/$tscope/$img >/dev/null 2>&1"
	RBD_API_USER=$saved_user RBD_API_PASSWORD=$saved_password
fi

story "a key must be printable ASCII of 1 to 255 characters"
api POST $base '{"name":"x","size":"8M"}' -H "Idempotency-Key: $(printf 'k%.0s' {1..256})"
expect_error 400 BadRequest 'Idempotency-Key must be 1 to 255 printable ASCII' "too long"

story "an asynchronous POST replays its 202 and Task"
k2=$(unique key)
api POST "$base/$img/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$img-copy\"}" -H "Idempotency-Key: $k2"
expect_status 202 "a copy task"
task=$(header Location)
replica POST "$base/$img/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$img-copy\"}" HTTP_IDEMPOTENCY_KEY="$k2"
expect_status 202 "repeated on the other replica: 202"
is "$(header Location)" "$task" "the same Task"
is "$(header Idempotent-Replayed)" true "replayed"
wait_task "$task"
is "$(rbd ls rbd | grep -cx "$img-copy")" 1 "one copy"

story "racing repeats: one runs, the others wait for it or get its answer"
k3=$(unique key)
for i in $(seq 1 6); do
	if [ $((i % 2)) = 0 ]; then
		(replica POST $base "{\"name\":\"$img-race\",\"size\":\"8M\"}" HTTP_IDEMPOTENCY_KEY="$k3"; echo "$STATUS") &
	else
		(api POST $base "{\"name\":\"$img-race\",\"size\":\"8M\"}" -H "Idempotency-Key: $k3"; echo "$STATUS") &
	fi
done >"$_t_body_file.race"
wait
at_exit "rm -f $_t_body_file.race"
like "$(sort "$_t_body_file.race" | uniq | tr '\n' ' ')" '^(201 )?(409 )?$|^201 409 $' \
	"only 201s (the first and its replays) and 409s (still running)"
is "$(rbd ls rbd | grep -cx "$img-race")" 1 "one image"
api POST $base "{\"name\":\"$img-race\",\"size\":\"8M\"}" -H "Idempotency-Key: $k3"
expect_status 201 "once answered, a repeat gets the 201"

done_testing
