#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The trash: an operator moves a volume there instead of deleting it,
# finds it in the list, takes it back (under its name or a new one), keeps
# another for an hour and learns it cannot be removed before then unless
# forced; checked against the rbd CLI.
. "$(dirname "$0")/lib/test-lib.sh"

pool=/api/v1/pools/rbd
base=$pool/images
trash=$pool/trash
img=$(unique trashed)

# In the shared pool other tests' entries come and go: look at ours only.
in_trash() { rbd trash ls --format json rbd | jq -r --arg id "$1" '.[] | select(.id == $id) | .name'; }
epoch() { date -u -d "$1" +%s; }

api POST $base "{\"name\":\"$img\",\"size\":\"64M\"}"
expect_status 201 "create an image"
id=$(field .id)

# Move: an empty POST, no body and no Content-Type.
api POST "$base/$img/trash"
expect_status 201 "move the image to the trash"
is "$(header Location)" "$trash/$id" "Location names the trash entry by the image's id"
is "$(field .Kind)" TrashEntry "a TrashEntry"
is "$(field .APIVersion)" v1 "APIVersion"
is "$(field .id)" "$id" "the entry keeps the image id"
is "$(field .name)" "$img" "and its name"
is "$(field .pool)/$(field .namespace)" "rbd/" "in the default namespace"
is "$(field .source)" user "moved by a user"
like "$(field .deletion_time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "RFC 3339 deletion time"
is "$(field .deferment_end_time)" "$(field .deletion_time)" "no deferment by default"
is "$(in_trash "$id")" "$img" "rbd trash ls lists it"
api GET "$base/$img"
expect_error 404 NotFound "image rbd/$img does not exist" "the image is gone from the pool"

api GET $trash
expect_status 200 "list the trash"
is "$(field .Kind)" TrashList "a TrashList"
is "$(field '.Items[] | select(.id == "'"$id"'") | .name + " " + .source + " " + .namespace')" \
	"$img user " "lists the entry with name, source and namespace"
is "$(field '.Items[] | select(.id == "'"$id"'") | keys | sort | join(",")')" \
	"deferment_end_time,deletion_time,id,name,namespace,pool,source" "items are full entries"

# Restore under the original name.
api POST "$trash/$id/restore"
expect_status 201 "restore it"
is "$(header Location)" "$base/$img" "Location names the image again"
is "$(field .Kind)/$(field .name)/$(field .id)" "Image/$img/$id" "the same image is back"
is "$(field .size)" 67108864 "with its size"
is "$(rbd info --format json "rbd/$img" | jq -r .id)" "$id" "rbd info sees it"
is "$(in_trash "$id")" "" "the trash no longer has it"
api POST "$trash/$id/restore"
expect_error 404 NotFound "trash entry $id does not exist in pool rbd" "restore twice"

# Deferred: kept for an hour.
api POST "$base/$img/trash" '{"delay_seconds":3600}'
expect_status 201 "move with a one-hour deferment"
kept=$(field .deferment_end_time)
is "$(($(epoch "$kept") - $(epoch "$(field .deletion_time)")))" 3600 "kept 3600 s past its deletion"
api DELETE "$trash/$id"
expect_error 409 Conflict "trash entry $id \\(image rbd/$img\\) is kept until $kept; send \\?force=true" \
	"remove before the deferment ends"
api DELETE "$trash/$id?async=true"
expect_error 409 Conflict "kept until $kept, and the manager's removal task cannot override" \
	"async removal before the deferment ends, even forced"
is "$(in_trash "$id")" "$img" "still in the trash"

# The name was taken meanwhile: restore under another.
rbd create --size 1M "rbd/$img" >/dev/null 2>&1
api POST "$trash/$id/restore"
expect_error 409 Conflict "cannot restore trash entry $id as image rbd/$img: an image of that name already exists" \
	"restore onto a taken name"
is "$(in_trash "$id")" "$img" "the entry stays in the trash"
api POST "$trash/$id/restore" "{\"name\":\"$img-back\"}"
expect_status 201 "restore under a new name"
is "$(header Location)" "$base/$img-back" "Location names the new name"
is "$(field .name)/$(field .id)" "$img-back/$id" "the same image under the new name"
is "$(rbd info --format json "rbd/$img-back" | jq -r .id)" "$id" "rbd info agrees"
rbd rm "rbd/$img" >/dev/null 2>&1

# Forced removal before the deferment ends.
api POST "$base/$img-back/trash" '{"delay_seconds":86400}'
expect_status 201 "move with a one-day deferment"
api DELETE "$trash/$id?force=true"
expect_status 204 "force removes it at once"
is "$(in_trash "$id")" "" "rbd trash ls no longer lists it"
api DELETE "$trash/$id"
expect_error 404 NotFound "trash entry $id does not exist in pool rbd" "remove twice"

# Removal once the deferment is over (none given): no force needed.
gone=$(unique gone)
rbd create --size 1M "rbd/$gone" >/dev/null 2>&1
api POST "$base/$gone/trash" '{"delay_seconds":0}'
expect_status 201 "move with an explicit zero deferment"
gone_id=$(field .id)
api DELETE "$trash/$gone_id"
expect_status 204 "remove without force"
is "$(in_trash "$gone_id")" "" "removed"

# A trashed image with snapshots cannot be removed: it must come back first.
snappy=$(unique snappy)
rbd create --size 1M "rbd/$snappy" >/dev/null 2>&1
rbd snap create "rbd/$snappy@keep" >/dev/null 2>&1
api POST "$base/$snappy/trash"
expect_status 201 "an image with a snapshot goes to the trash"
snappy_id=$(field .id)
api DELETE "$trash/$snappy_id?force=true"
expect_error 409 Conflict "trash entry $snappy_id \\(image rbd/$snappy\\) has snapshots; restore it" \
	"remove an entry with snapshots"
api POST "$trash/$snappy_id/restore"
expect_status 201 "restore it to clean up"
rbd snap purge "rbd/$snappy" >/dev/null 2>&1
rbd rm "rbd/$snappy" >/dev/null 2>&1

# A client has it open (a mapped disk): refused, naming the client.
busy=$(unique busy)
rbd create --size 64M "rbd/$busy" >/dev/null 2>&1
rbd bench --io-type write --io-size 4K --io-total 400M --io-threads 1 "rbd/$busy" >/dev/null 2>&1 &
bench=$!
for i in $(seq 50); do
	rbd status --format json "rbd/$busy" 2>/dev/null | jq -e '.watchers | length > 0' >/dev/null && break
	sleep 0.1
done
api POST "$base/$busy/trash"
expect_error 409 Conflict "image rbd/$busy is open by 1 client \\(client\\.[0-9]+ at .*\\); unmap or close it" \
	"move while a client has it open"
kill "$bench" 2>/dev/null
wait "$bench" 2>/dev/null
rbd info "rbd/$busy" >/dev/null 2>&1
ok $? "the image stayed where it was"
rbd rm "rbd/$busy" >/dev/null 2>&1

# The source of a migration is in the trash but belongs to the migration.
msrc=$(unique msrc)
rbd create --size 1M "rbd/$msrc" >/dev/null 2>&1
rbd migration prepare "rbd/$msrc" "rbd/$msrc-dst" >/dev/null 2>&1
msrc_id=$(rbd trash ls --all --format json rbd | jq -r --arg n "$msrc" '.[] | select(.name == $n) | .id')
api GET $trash
is "$(field '.Items[] | select(.id == "'"$msrc_id"'") | .source')" migration "listed with source migration"
api POST "$trash/$msrc_id/restore"
expect_error 409 Conflict "source of a migration in progress.*rbd migration abort" "restore a migration's source"
api DELETE "$trash/$msrc_id?force=true"
expect_error 409 Conflict "source of a migration in progress" "remove a migration's source"
rbd migration abort "rbd/$msrc-dst" >/dev/null 2>&1
rbd rm "rbd/$msrc" >/dev/null 2>&1

# Asynchronous removal through the manager's task queue.
late=$(unique late)
rbd create --size 1M "rbd/$late" >/dev/null 2>&1
api POST "$base/$late/trash"
late_id=$(field .id)
api DELETE "$trash/$late_id?async=true"
if [ "$STATUS" = 400 ] && [ "$(field .message)" = "async is not available" ]; then
	ok 0 "async removal # SKIP tasks are not built in yet"
	api DELETE "$trash/$late_id"
else
	expect_status 202 "async removal is accepted"
	is "$(field .Kind)" Task "as a Task"
	for i in $(seq 120); do
		[ -z "$(in_trash "$late_id")" ] && break
		sleep 0.5
	done
	is "$(in_trash "$late_id")" "" "the manager removed it"
fi

# Racing requests on one entry take turns: no 5xx (two librbd clients
# removing one image at once abort on an exclusive-lock assertion).
race=$(unique race)
results=$(mktemp)
rbd create --size 32M "rbd/$race" >/dev/null 2>&1
rbd bench --io-type write --io-total 32M "rbd/$race" >/dev/null 2>&1
api POST "$base/$race/trash"
race_id=$(field .id)
for i in 1 2 3 4 5 6; do
	(api POST "$trash/$race_id/restore"; echo "$STATUS" >>"$results") &
done
wait
is "$(grep -c '^201$' "$results")/$(grep -c '^5' "$results")" "1/0" "6 concurrent restores: one 201, no 5xx"
: >"$results"
api POST "$base/$race/trash"
for i in 1 2 3 4 5 6 7 8; do
	(api DELETE "$trash/$race_id"; echo "$STATUS" >>"$results") &
done
wait
is "$(grep -c '^204$' "$results")/$(grep -c '^404$' "$results")" "1/7" "8 concurrent removals: one 204, the rest 404"
is "$(in_trash "$race_id")" "" "removed once"
rm -f "$results"

# A namespaced image goes to the same pool-level trash.
ns=$(unique tns)
rbd namespace create "rbd/$ns" >/dev/null 2>&1
api POST "$pool/namespaces/$ns/images" '{"name":"vol","size":"1M"}'
ns_id=$(field .id)
api POST "$pool/namespaces/$ns/images/vol/trash"
expect_status 201 "move an image of a namespace to the trash"
is "$(field .namespace)" "$ns" "the entry names its namespace"
is "$(header Location)" "$trash/$ns_id" "and is reached at pool level"
api GET $trash
is "$(field '.Items[] | select(.id == "'"$ns_id"'") | .namespace + "/" + .name')" "$ns/vol" \
	"the pool's trash lists it with its namespace"
api POST "$trash/$ns_id/restore"
expect_status 201 "restore it"
is "$(header Location)" "$pool/namespaces/$ns/images/vol" "back in its namespace"
is "$(field .namespace)" "$ns" "the Image says so"
api POST "$pool/namespaces/$ns/images/vol/trash"
api DELETE "$trash/$ns_id"
expect_status 204 "remove it from the trash"
is "$(rbd trash ls --format json "rbd/$ns" | jq length)" 0 "the namespace's trash is empty"
rbd namespace remove "rbd/$ns" >/dev/null 2>&1
api POST "$pool/namespaces/$ns/images/vol/trash"
expect_error 404 NotFound "namespace $ns in pool rbd does not exist" "move in a missing namespace"

# What is refused before the cluster is asked.
api POST "$base/nothing-$$/trash"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "move a missing image"
api POST "$base/$img-back/trash" '{"delay_seconds":-1}'
expect_error 400 BadRequest '"delay_seconds".*negative' "a negative deferment"
api POST "$base/$img-back/trash" '{"delay_seconds":"1h"}'
expect_error 400 BadRequest '"delay_seconds"' "a deferment that is not an integer"
api POST "$base/$img-back/trash" '{"delay_seconds":999999999999}'
expect_error 400 BadRequest '"delay_seconds" must be at most 315360000' "a deferment over ten years"
api POST "$base/$img-back/trash" '{"delay":60}'
expect_error 400 BadRequest 'unknown field "delay"' "a misspelt field"
api POST "$base/$img-back/trash" 'delay=60' -H 'Content-Type: text/plain'
is "$STATUS" 415 "a body that is not JSON"
api POST "$trash/0123abcd/restore" '{"name":"a/b"}'
expect_error 400 BadRequest '"name"' "restore under an invalid name"
api POST "$trash/0123abcd/restore" '{"nmae":"x"}'
expect_error 400 BadRequest 'unknown field "nmae"' "restore with a misspelt field"
for bad in ABC123 xyz 0123456789abcdef0123456789abcdef0 '%20' 'a%2Fb'; do
	api DELETE "$trash/$bad"
	expect_error 400 BadRequest "trash entry id .* is not valid: an image id is 1 to 32 lowercase hexadecimal digits" \
		"remove with id '$bad'"
done
api POST "$trash/ABC/restore"
expect_error 400 BadRequest "is not valid" "restore with a bad id"
api POST "$trash/0123abcd/restore"
expect_error 404 NotFound "trash entry 0123abcd does not exist in pool rbd" "restore an unknown id"
api DELETE "$trash/0123abcd"
expect_error 404 NotFound "trash entry 0123abcd does not exist" "remove an unknown id"
api DELETE "$trash/0123abcd?force=perhaps"
expect_error 400 BadRequest "force" "force that is not a boolean"
api GET "/api/v1/pools/nopool-$$/trash"
expect_error 404 NotFound "pool nopool-$$ does not exist" "the trash of a missing pool"
api GET "$trash/$id"
is "$STATUS" 405 "an entry is not read alone"

done_testing
