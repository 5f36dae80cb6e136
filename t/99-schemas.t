#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The OpenAPI document describes the real answers, not only the route
# names: every JSON answer the integration tests received (t/check records
# them through api(), see RBD_API_RECORD in t/lib/test-lib.sh) is valid
# against the document's schema for its route and status, and carries no
# field the document lacks. Run last, so it sees the whole suite's answers;
# run alone, it checks the answers of its own walk over every kind of route.
. "$(dirname "$0")/lib/test-lib.sh"

if [ -z "${RBD_API_RECORD:-}" ]; then
	RBD_API_RECORD=$(mktemp /tmp/rbd-rest-api-answers.XXXXXX)
	at_exit "rm -f $RBD_API_RECORD"
fi
doc=$(mktemp /tmp/rbd-rest-api-openapi.XXXXXX)
at_exit "rm -f $doc"

story "a walk over the routes, successes and errors"
img=$(unique schema)
ns=$(unique schemans)
base=/api/v1/pools/rbd/images
at_exit "rbd -p rbd rm $img >/dev/null 2>&1 || true"
for p in health version status openapi.json pools pools/rbd pools/rbd/images tasks \
	pools/rbd/trash pools/rbd/namespaces pools/rbd/qos; do
	api GET "/api/v1/$p"
	expect_status 200 "GET /api/v1/$p"
done
api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 201 "create an image"
for p in "" /snapshots /children /metadata /qos /du /watchers /locks; do
	api GET "$base/$img$p"
	expect_status 200 "GET the image$p"
done
api PATCH "$base/$img" '{"size":"16M"}'
expect_status 200 "grow it"
api POST "$base/$img/snapshots" '{"name":"s1"}'
expect_status 201 "snapshot it"
api GET "$base/$img/snapshots/s1"
expect_status 200 "get the snapshot"
api PUT "$base/$img/metadata/owner" '{"value":"schemas"}'
expect_status 201 "set a metadata key"
api GET "$base/$img/metadata/owner"
expect_status 200 "get it"
api PUT "$base/$img/qos" '{"rbd_qos_iops_limit":100}'
expect_status 200 "set a QoS limit"
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$ns\"}"
expect_status 201 "create a namespace"
api GET "/api/v1/pools/rbd/namespaces/$ns"
expect_status 200 "get it"
api GET "/api/v1/pools/rbd/namespaces/$ns/images"
expect_status 200 "list its images"
api DELETE "/api/v1/pools/rbd/namespaces/$ns"
expect_status 204 "remove it"
api GET "$base/nonexistent-$img"
expect_status 404 "a missing image"
api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 409 "the same name again"
api POST $base '{"name":"a/b","size":1}'
expect_status 400 "a bad name"
api POST $base "{\"name\":\"x\"}" -H 'Content-Type: text/plain'
expect_status 415 "a wrong Content-Type"
api PUT /api/v1/pools
expect_status 405 "a method the route lacks"
api GET /api/v1/nothing
expect_status 404 "an unknown path"
api DELETE "$base/$img/snapshots/s1"
expect_status 204 "remove the snapshot"
api DELETE "$base/$img"
like "$STATUS" '^20[24]$' "remove the image"
story ""

api GET /api/v1/openapi.json
printf '%s\n' "$BODY" >"$doc"
recorded=$(wc -l <"$RBD_API_RECORD")
out=$(/usr/bin/python3 "$T_DIR/lib/openapi_check.py" "$doc" "$RBD_API_RECORD" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ok $rc "the $recorded recorded answers match the document (route, status, every field)"
like "$(printf '%s\n' "$out" | tail -n 1)" '^checked [1-9][0-9]* answers on [1-9][0-9]* operations' \
	"answers were checked"

done_testing
