#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Snapshot options an operator reaches for with the CLI: a snapshot taken
# without quiescing the image's clients (rbd snap create --skip-quiesce),
# or despite a client that fails to quiesce; a limit on how many snapshots
# an image may have (rbd snap limit set/clear); and deleting a protected
# snapshot in one request. Checked against rbd info and rbd snap ls.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
img=$(unique snapopt)
snaps=$base/$img/snapshots

cleanup() {
	rbd rm "rbd/$img-clone" >/dev/null 2>&1
	rbd snap unprotect "rbd/$img@kept" >/dev/null 2>&1
	rbd snap purge "rbd/$img" >/dev/null 2>&1
	rbd rm "rbd/$img" >/dev/null 2>&1
}
at_exit cleanup

snap_names() {
	rbd snap ls --format json "rbd/$img" | jq -r 'map(.name) | sort | join(",")'
}

api POST $base "{\"name\":\"$img\",\"size\":\"4M\"}"
expect_status 201 "an image to snapshot"

# Quiesce.
api POST "$snaps" '{"name":"fast","quiesce":false}'
expect_status 201 "a snapshot without quiescing"
is "$(field .name)" fast "named as asked"
api POST "$snaps" '{"name":"anyway","ignore_quiesce_error":true}'
expect_status 201 "a snapshot that ignores quiesce errors"
api POST "$snaps" '{"name":"plain","quiesce":true}'
expect_status 201 "quiesce: true is the default"
is "$(snap_names)" anyway,fast,plain "rbd snap ls shows the three"
api POST "$snaps" '{"name":"x","quiesce":false,"ignore_quiesce_error":true}'
expect_error 400 BadRequest 'field "ignore_quiesce_error" goes with quiescing only' \
	"ignore_quiesce_error without quiescing"
api POST "$snaps" '{"name":"x","quiesce":"no"}'
expect_error 400 BadRequest 'field "quiesce" in request body must be true or false' "quiesce not a boolean"
is "$(snap_names)" anyway,fast,plain "nothing more was made"

# The snapshot limit.
story "no limit at first"
api GET "$base/$img/snapshot-limit"
expect_status 200 "read the limit"
is "$(field .Kind)" SnapshotLimit "a SnapshotLimit"
is "$(field .limit) $(field .count)" "null 3" "no limit, three snapshots"
story ""

story "set a limit"
api PUT "$base/$img/snapshot-limit" '{"limit":4}'
expect_status 200 "limit 4"
is "$(field .limit) $(field .count)" "4 3" "the answer shows it"
is "$(rbd info --format json "rbd/$img" | jq -r .snapshot_limit)" 4 "rbd info: snapshot_limit 4"
api POST "$snaps" '{"name":"fourth"}'
expect_status 201 "a fourth snapshot fits"
api POST "$snaps" '{"name":"fifth"}'
like "$STATUS $(field .message)" "^507 image rbd/$img has reached its limit of 4 snapshots" \
	"a fifth does not, and the message says why"
story ""

api PUT "$base/$img/snapshot-limit" '{"limit":2}'
expect_error 409 Conflict "^image rbd/$img has more than 2 snapshots already; delete some" \
	"a limit below the count"
is "$(rbd info --format json "rbd/$img" | jq -r .snapshot_limit)" 4 "rbd info: still 4"

story "clear the limit"
api PUT "$base/$img/snapshot-limit" '{"limit":null}'
expect_status 200 "limit null"
is "$(field .limit)" null "no limit"
is "$(rbd info --format json "rbd/$img" | jq -r '.snapshot_limit // "none"')" none "rbd info: no snapshot_limit"
api POST "$snaps" '{"name":"fifth"}'
expect_status 201 "a fifth snapshot now fits"
story ""

api PUT "$base/$img/snapshot-limit" '{}'
expect_error 400 BadRequest 'field "limit" is required' "no limit field"
api PUT "$base/$img/snapshot-limit" '{"limit":-1}'
expect_error 400 BadRequest 'field "limit"' "a negative limit"
api PUT "$base/$img/snapshot-limit" '{"limit":"5"}'
expect_error 400 BadRequest 'field "limit"' "a limit as a string"
api PUT "$base/$img/snapshot-limit" '{"limit":5,"max":6}'
expect_error 400 BadRequest 'unknown field "max"' "an unknown field"
api GET "$base/nothing-$$/snapshot-limit"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "the limit of a missing image"
api PUT "$base/nothing-$$/snapshot-limit" '{"limit":5}'
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "set the limit of a missing image"

# Delete a protected snapshot in one request.
rbd snap protect "rbd/$img@fast"
api DELETE "$snaps/fast"
expect_error 409 Conflict "snapshot rbd/$img@fast is protected; .*or delete with \\?unprotect=true" \
	"a protected snapshot without ?unprotect"
api DELETE "$snaps/fast?unprotect=maybe"
expect_error 400 BadRequest 'unprotect' "unprotect not a boolean"
api DELETE "$snaps/fast?unprotect=true"
expect_status 204 "deleted with ?unprotect=true"
is "$(snap_names)" anyway,fifth,fourth,plain "rbd snap ls: it is gone"

rbd snap create "rbd/$img@kept" >/dev/null 2>&1
rbd snap protect "rbd/$img@kept"
rbd clone --rbd-default-clone-format 1 "rbd/$img@kept" "rbd/$img-clone" >/dev/null 2>&1
api DELETE "$snaps/kept?unprotect=true"
expect_error 409 Conflict "cannot delete snapshot rbd/$img@kept: it has 1 clone \\(rbd/$img-clone\\)" \
	"?unprotect=true does not cut off clones"
is "$(rbd snap ls --format json "rbd/$img" | jq -r '.[] | select(.name == "kept") | .protected')" true \
	"the snapshot stays, protected"
api DELETE "$snaps/nothing?unprotect=true"
expect_error 404 NotFound "snapshot rbd/$img@nothing does not exist" "a missing snapshot"

done_testing
