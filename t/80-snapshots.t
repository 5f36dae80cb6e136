#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Snapshots: take one before a risky change, protect it and clone from it,
# rename it, roll the image back to it and delete it, as an operator does
# around an upgrade, checked against the rbd CLI.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
img=$(unique snapvol)
snaps=$base/$img/snapshots

# rbd snap ls as JSON, reduced to what we compare: "name:id:protected".
rbd_snaps() {
	rbd snap ls --format json "$1" | jq -r 'map("\(.name):\(.id):\(.protected)") | join(" ")'
}

api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 201 "an 8M image to snapshot"
rbd bench --io-type write --io-size 1M --io-total 4M --io-pattern seq "rbd/$img" >/dev/null 2>&1
ok $? "4M of data written with rbd bench"

api GET "$snaps"
expect_status 200 "list the snapshots of a new image"
is "$(field .Kind)" SnapshotList "a SnapshotList"
is "$(field '.Items | length')" 0 "no snapshots yet"

# Create.
api POST "$snaps" '{"name":"before"}'
expect_status 201 "take a snapshot"
is "$(header Location)" "$snaps/before" "Location names it"
is "$(field .Kind)" Snapshot "a Snapshot"
is "$(field .name)" before "name"
like "$(field .id)" '^[0-9]+$' "an integer id"
id=$(field .id)
is "$(field .size)" 8388608 "size at snapshot time"
is "$(field .protected)" false "not protected"
like "$(field .timestamp)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "RFC 3339 timestamp"
is "$(field .image)/$(field .pool)/$(field .namespace)" "$img/rbd/" "image, pool, default namespace"
is "$(rbd_snaps "rbd/$img")" "before:$id:false" "rbd snap ls shows it with the same id"
before_md5=$(rbd export "rbd/$img@before" - 2>/dev/null | md5sum)

api POST "$snaps" '{"name":"before"}'
expect_error 409 Conflict "^snapshot rbd/$img@before already exists$" "the same name again"

api GET "$snaps"
expect_status 200 "list the snapshots"
is "$(field '.Items | length')" 1 "one snapshot"
is "$(field '.Items[0] | [.name, .id, .size, .protected, .image, .pool, .namespace] | map(tostring) | join(" ")')" \
	"before $id 8388608 false $img rbd " "list items are full Snapshots"
like "$(field '.Items[0].timestamp')" 'Z$' "with their timestamp"

api GET "$snaps/before"
expect_status 200 "get the snapshot"
is "$(field .Kind) $(field .id)" "Snapshot $id" "the same snapshot"
api HEAD "$snaps/before"
expect_status 200 "HEAD of a snapshot"

# A name with a space: percent-encoded in Location, decoded in the path.
api POST "$snaps" '{"name":"with space"}'
expect_status 201 "a snapshot name with a space"
is "$(header Location)" "$snaps/with%20space" "Location percent-encodes it"
api GET "$snaps/with%20space"
is "$STATUS $(field .name)" "200 with space" "GET at that Location finds it"
api DELETE "$snaps/with%20space"
expect_status 204 "and deletes it"

# What does not exist.
api GET "$snaps/nothing"
expect_error 404 NotFound "^snapshot rbd/$img@nothing does not exist$" "GET of a missing snapshot"
api HEAD "$snaps/nothing"
expect_status 404 "HEAD of a missing snapshot"
api GET "$base/nothing-$$/snapshots"
expect_error 404 NotFound "^image rbd/nothing-$$ does not exist$" "list snapshots of a missing image"
api POST "$base/nothing-$$/snapshots" '{"name":"s"}'
expect_error 404 NotFound "^image rbd/nothing-$$ does not exist$" "snapshot a missing image"
api GET "$base/nothing-$$/snapshots/s"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "GET a snapshot of a missing image"
api PATCH "$snaps/nothing" '{"protected":true}'
expect_error 404 NotFound "snapshot rbd/$img@nothing does not exist" "PATCH a missing snapshot"
api DELETE "$snaps/nothing"
expect_error 404 NotFound "snapshot rbd/$img@nothing does not exist" "DELETE a missing snapshot"
api POST "$snaps/nothing/rollback"
expect_error 404 NotFound "snapshot rbd/$img@nothing does not exist" "roll back to a missing snapshot"
api GET /api/v1/pools/nopool-$$/images/$img/snapshots
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing pool"

# Bad requests, refused before anything is done.
api POST "$snaps" '{"name":"a@b"}'
expect_error 400 BadRequest 'field "name".*@' "a snapshot name with @"
api POST "$snaps" '{"name":"a/b"}'
expect_error 400 BadRequest 'field "name".*/' "a snapshot name with /"
api POST "$snaps" '{"name":""}'
expect_error 400 BadRequest 'field "name".*empty' "an empty snapshot name"
api POST "$snaps" "{\"name\":\"$(printf 'x%.0s' $(seq 251))\"}"
expect_error 400 BadRequest 'field "name".*250' "a snapshot name over 250 bytes"
api POST "$snaps" '{"name":".."}'
expect_error 400 BadRequest 'field "name"' "a snapshot name of .."
api POST "$snaps" '{"name":5}'
expect_error 400 BadRequest 'field "name".*string' "a number as the name"
api POST "$snaps" '{}'
expect_error 400 BadRequest 'field "name" is required' "no name"
api POST "$snaps" '{"name":"s","protected":true}'
expect_error 400 BadRequest 'unknown field "protected".*allowed fields: name' "an unknown field on create"
api POST "$snaps" '{"name":"s"' 
expect_error 400 BadRequest 'not valid JSON' "malformed JSON"
api POST "$snaps" '["s"]'
expect_error 400 BadRequest 'must be a JSON object' "a JSON array"
api POST "$snaps" 'name=s' -H 'Content-Type: application/x-www-form-urlencoded'
expect_error 415 UnsupportedMediaType 'Content-Type: application/json' "a form body"
api GET "$snaps/a%40b"
expect_error 400 BadRequest '@' "a snapshot name with @ in the path"
api PATCH "$snaps/before" '{}'
expect_error 400 BadRequest 'nothing to change' "an empty PATCH"
api PATCH "$snaps/before" '{"protected":"yes"}'
expect_error 400 BadRequest 'field "protected".*true or false' "protected not a boolean"
api PATCH "$snaps/before" '{"protect":true}'
expect_error 400 BadRequest 'unknown field "protect".*allowed fields: protected, name' "a typo in a PATCH"
api PATCH "$snaps/before" '{"name":"x@y"}'
expect_error 400 BadRequest 'field "name".*@' "rename to a bad name"
api PUT "$snaps/before" '{"name":"x"}'
is "$STATUS $(header Allow)" "405 GET, HEAD, PATCH, DELETE" "PUT on a snapshot: 405 with Allow"
is "$(rbd_snaps "rbd/$img")" "before:$id:false" "nothing changed"

# Protect, and what protection refuses.
api PATCH "$snaps/before" '{"protected":true}'
expect_status 200 "protect"
is "$(field .protected)" true "protected"
is "$(rbd_snaps "rbd/$img")" "before:$id:true" "rbd snap ls agrees"
api PATCH "$snaps/before" '{"protected":true}'
is "$STATUS $(field .protected)" "200 true" "protecting again changes nothing"
api DELETE "$snaps/before"
expect_error 409 Conflict "^snapshot rbd/$img@before is protected; unprotect it first" "delete a protected snapshot"

rbd clone "rbd/$img@before" "rbd/$img-clone" >/dev/null 2>&1
ok $? "rbd clone from the protected snapshot"
api PATCH "$snaps/before" '{"protected":false}'
expect_error 409 Conflict "cannot unprotect snapshot rbd/$img@before: it has 1 clone \(rbd/$img-clone\); flatten or delete" \
	"unprotect with a clone names it"
api DELETE "$snaps/before"
expect_error 409 Conflict "cannot delete snapshot rbd/$img@before: it has 1 clone \(rbd/$img-clone\); .*then unprotect it" \
	"delete with a clone names it"
is "$(rbd_snaps "rbd/$img")" "before:$id:true" "still there, still protected"
rbd rm "rbd/$img-clone" >/dev/null 2>&1
api PATCH "$snaps/before" '{"protected":false}'
expect_status 200 "unprotect once the clone is gone"
is "$(field .protected)" false "unprotected"
is "$(rbd_snaps "rbd/$img")" "before:$id:false" "rbd snap ls agrees"
api PATCH "$snaps/before" '{"protected":false}'
is "$STATUS $(field .protected)" "200 false" "unprotecting again changes nothing"

# Clones of format 2 need no protection, and still hold their parent.
rbd clone --rbd-default-clone-format 2 "rbd/$img@before" "rbd/$img-v2" >/dev/null 2>&1
ok $? "a format 2 clone from the unprotected snapshot"
api DELETE "$snaps/before"
expect_error 409 Conflict "cannot delete snapshot rbd/$img@before: it has 1 clone \(rbd/$img-v2\); flatten or delete the clones first" \
	"delete with a format 2 clone names it"
is "$(rbd_snaps "rbd/$img")" "before:$id:false" "the snapshot stays"
# Many clones: the message names ten and says there are more.
for i in $(seq -w 1 11); do
	rbd clone --rbd-default-clone-format 2 "rbd/$img@before" "rbd/$img-many$i" >/dev/null 2>&1 &
done
wait
api DELETE "$snaps/before"
expect_error 409 Conflict "it has 12 clones \(rbd/$img-[^,]+(, rbd/$img-[^,]+){9} and 2 more\)" \
	"12 clones: ten named, then the rest counted"
for i in $(seq -w 1 11); do rbd rm "rbd/$img-many$i" >/dev/null 2>&1 & done
wait

# A snapshot deleted by the CLI while a format 2 clone needs it moves to
# librbd's trash namespace: not a user snapshot, so not listed.
rbd snap create "rbd/$img@cli-gone" >/dev/null 2>&1
rbd clone --rbd-default-clone-format 2 "rbd/$img@cli-gone" "rbd/$img-v2b" >/dev/null 2>&1
rbd snap rm "rbd/$img@cli-gone" >/dev/null 2>&1
is "$(rbd snap ls --all --format json "rbd/$img" | jq -r 'map(.namespace.type) | sort | join(",")')" \
	"trash,user" "rbd snap ls --all shows a trash snapshot"
api GET "$snaps"
is "$(field '[.Items[].name] | join(",")')" before "the list shows only the user snapshot"
api GET "$snaps/cli-gone"
expect_status 404 "the trashed snapshot is not addressable"
rbd rm "rbd/$img-v2b" >/dev/null 2>&1
rbd rm "rbd/$img-v2" >/dev/null 2>&1

# Rename: a taken name is refused before anything changes.
api POST "$snaps" '{"name":"other"}'
expect_status 201 "a second snapshot"
api PATCH "$snaps/before" '{"name":"other","protected":true}'
expect_error 409 Conflict "cannot rename snapshot rbd/$img@before to other: rbd/$img@other already exists" \
	"rename onto an existing snapshot"
is "$(rbd snap ls --format json "rbd/$img" | jq -r '.[] | select(.name == "before") | .protected')" false \
	"not protected either: nothing changed"
api PATCH "$snaps/before" '{"name":"before"}'
is "$STATUS $(field .name)" "200 before" "renaming to its own name changes nothing"
api PATCH "$snaps/before" '{"name":"first","protected":true}'
expect_status 200 "rename and protect at once"
is "$(field .name) $(field .id) $(field .protected)" "first $id true" "the new name, the same id, protected"
is "$(rbd snap ls --format json "rbd/$img" | jq -r 'map(.name) | sort | join(",")')" first,other \
	"rbd snap ls has the new name"
api GET "$snaps/before"
expect_status 404 "the old name is gone"
api PATCH "$snaps/first" '{"protected":false}'
expect_status 200 "unprotect again"

# Rollback: grow the image and overwrite it, then go back.
rbd resize --size 16M "rbd/$img" >/dev/null 2>&1
rbd bench --io-type write --io-size 1M --io-total 16M --io-pattern seq "rbd/$img" >/dev/null 2>&1
is "$(rbd info --format json "rbd/$img" | jq -r .size)" 16777216 "grown to 16M and overwritten"
api POST "$snaps/nothing/rollback?async=true"
expect_error 404 NotFound "snapshot rbd/$img@nothing does not exist" "an async rollback is checked before it is accepted"
api POST "$snaps/first/rollback?async=maybe"
expect_error 400 BadRequest 'async' "async not a boolean"
api POST "$snaps/first/rollback?force=true"
expect_error 400 BadRequest 'force' "an unknown query parameter"
api POST "$snaps/first/rollback" '{"to":"first"}'
expect_error 400 BadRequest 'unknown field "to".*allowed fields: none' "a body with a field"

# A client that has the image open: refused rather than waiting on it.
rbd bench --io-type write --io-size 4K --io-total 400M --io-threads 1 "rbd/$img" >/dev/null 2>&1 &
bench=$!
for i in $(seq 50); do
	rbd status --format json "rbd/$img" 2>/dev/null | jq -e '.watchers | length > 0' >/dev/null && break
	sleep 0.1
done
api POST "$snaps/first/rollback"
expect_error 409 Conflict "image rbd/$img is open by 1 client \(client\.[0-9]+ at .*\); unmap or close it before rolling back to snapshot rbd/$img@first" \
	"rollback while a client has the image open"
kill "$bench" 2>/dev/null
wait "$bench" 2>/dev/null
for i in $(seq 50); do
	rbd status --format json "rbd/$img" 2>/dev/null | jq -e '.watchers | length == 0' >/dev/null && break
	sleep 0.1
done

api POST "$snaps/first/rollback"
expect_status 200 "roll back"
is "$(field .Kind) $(field .name) $(field .size)" "Image $img 8388608" "the Image, back at 8M"
is "$(rbd info --format json "rbd/$img" | jq -r .size)" 8388608 "rbd info: size restored"
is "$(rbd export "rbd/$img" - 2>/dev/null | md5sum)" "$before_md5" "the data is the snapshot's again"
api POST "$snaps/first/rollback" '{}'
expect_status 200 "an empty object body is fine too"

# Delete.
api DELETE "$snaps/first"
expect_status 204 "delete"
is "$BODY" "" "no body"
is "$(rbd_snaps "rbd/$img")" "other:$(rbd snap ls --format json "rbd/$img" | jq -r '.[0].id'):false" \
	"rbd snap ls: only the other remains"
api DELETE "$snaps/first"
expect_error 404 NotFound "snapshot rbd/$img@first does not exist" "delete again is 404"

# Racing requests: never a 5xx, never two snapshots of one name. librbd
# treats a racing create (delete) of the same name as its own retry and
# reports success, so several may answer 201 (204) for the one snapshot.
results=$(mktemp)
call() {  # METHOD PATH [BODY] -> prints the status, and the id of a Snapshot
	local out code id
	out=$(mktemp)
	code=$(curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" -o "$out" \
		-w '%{http_code}' -X "$1" ${3:+-H 'Content-Type: application/json' --data-binary "$3"} \
		"$RBD_API_URL$2")
	id=$(jq -r 'select(.Kind == "Snapshot") | .id' "$out" 2>/dev/null)
	rm -f "$out"
	echo "$code${id:+ $id}"
}
for i in $(seq 6); do call POST "$snaps" '{"name":"race"}' >>"$results" & done
wait
is "$(grep -cv '^201 [0-9]\+$\|^409$' "$results")" 0 "6 concurrent creates of one name: each 201 or 409"
ok "$([ "$(grep -c '^201' "$results")" -ge 1 ]; echo $?)" "at least one 201"
is "$(grep '^201' "$results" | sort -u | wc -l)" 1 "every 201 names the same snapshot"
is "$(rbd snap ls --format json "rbd/$img" | jq '[.[] | select(.name == "race")] | length')" 1 \
	"rbd snap ls: one snapshot of that name"
: >"$results"
for i in $(seq 6); do call DELETE "$snaps/race" >>"$results" & done
wait
is "$(grep -c '^5' "$results")" 0 "6 concurrent deletes: no 5xx ($(sort "$results" | uniq -c | xargs))"
ok "$([ "$(grep -c '^204$' "$results")" -ge 1 ]; echo $?)" "at least one 204"
is "$(grep -cv '^204$\|^404$\|^409$' "$results")" 0 "the others are 204, 404 or 409"
is "$(rbd snap ls --format json "rbd/$img" | jq '[.[] | select(.name == "race")] | length')" 0 \
	"rbd snap ls: it is gone"
rm -f "$results"

api DELETE "$snaps/other"
expect_status 204 "delete the other"
api GET "$snaps"
is "$STATUS $(field '.Items | length')" "200 0" "no snapshots left"

# Without layering, protection makes no sense; librbd's snapshot limit.
plain=$(unique plain)
api POST $base "{\"name\":\"$plain\",\"size\":\"4M\",\"features\":[\"exclusive-lock\"]}"
expect_status 201 "an image without layering"
api POST "$base/$plain/snapshots" '{"name":"s1"}'
expect_status 201 "snapshot it"
api PATCH "$base/$plain/snapshots/s1" '{"protected":true}'
expect_error 400 BadRequest "cannot protect snapshot rbd/$plain@s1: protection is for cloning, and image rbd/$plain does not have the layering feature" \
	"protect without layering"
rbd snap limit set --limit 1 "rbd/$plain" >/dev/null 2>&1
api POST "$base/$plain/snapshots" '{"name":"s2"}'
expect_error 507 InsufficientStorage "image rbd/$plain has reached its limit of 1 snapshots" \
	"a snapshot over the image's limit"
rbd snap limit clear "rbd/$plain" >/dev/null 2>&1
api DELETE "$base/$plain/snapshots/s1"
expect_status 204 "delete its snapshot"
api DELETE "$base/$plain"
expect_status 204 "delete the image"

api DELETE "$base/$img"
expect_status 204 "delete the image once its snapshots are gone"

# The same under a namespace, with the clone inside it.
ns=ns-$$
rbd namespace create "rbd/$ns" >/dev/null 2>&1
rbd create --size 4M "rbd/$ns/img" >/dev/null 2>&1
nsnaps=/api/v1/pools/rbd/namespaces/$ns/images/img/snapshots
api POST "$nsnaps" '{"name":"s"}'
expect_status 201 "snapshot an image in a namespace"
is "$(header Location)" "$nsnaps/s" "Location under the namespace"
is "$(field .namespace) $(field .image)" "$ns img" "namespace and image"
is "$(rbd snap ls --format json "rbd/$ns/img" | jq -r '.[].name')" s "rbd snap ls in the namespace"
api GET "$base/img/snapshots/s"
expect_status 404 "not in the default namespace"
api GET "$nsnaps/nothing"
expect_error 404 NotFound "^snapshot rbd/$ns/img@nothing does not exist$" "a missing snapshot names the namespace"
api PATCH "$nsnaps/s" '{"protected":true}'
expect_status 200 "protect in the namespace"
rbd clone "rbd/$ns/img@s" "rbd/$ns/child" >/dev/null 2>&1
api DELETE "$nsnaps/s"
expect_error 409 Conflict "it has 1 clone \(rbd/$ns/child\)" "the clone is named with its namespace"
rbd rm "rbd/$ns/child" >/dev/null 2>&1
api POST "$nsnaps/s/rollback"
expect_status 200 "roll back in the namespace"
is "$(field .namespace)" "$ns" "the Image in its namespace"
api PATCH "$nsnaps/s" '{"protected":false,"name":"t"}'
is "$STATUS $(field .name) $(field .protected)" "200 t false" "unprotect and rename"
api DELETE "$nsnaps/t"
expect_status 204 "delete in the namespace"
is "$(rbd snap ls --format json "rbd/$ns/img" | jq length)" 0 "rbd snap ls: none left"
api GET "/api/v1/pools/rbd/namespaces/nons-$$/images/img/snapshots"
expect_error 404 NotFound "nons-$$.* does not exist" "a missing namespace"
rbd rm "rbd/$ns/img" >/dev/null 2>&1
rbd namespace remove "rbd/$ns" >/dev/null 2>&1

done_testing
