#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Live migration: an operator moves a volume to another pool without
# stopping its users for long: prepare (the image answers at its new place
# at once), execute as a task of the manager's, commit; the data is intact
# (checksums through the rbd CLI) and the source is gone. Another migration
# is aborted and leaves the source as it was. In between, what may not be
# done to a migrating image is refused with the reason.
. "$(dirname "$0")/lib/test-lib.sh"

pool=/api/v1/pools/rbd
other=$(unique migpool)
img=$(unique migsrc)
img2=$(unique migabort)
img3=$(unique migwrit)
img4=$(unique migexec)
par=$(unique migpar)

sum() { rbd export "$1" - 2>/dev/null | sha256sum | cut -d' ' -f1; }
cleanup() {
	for i in "$other/$img" "$other/$img-moved" "rbd/$img2-moved" "rbd/$img2" "rbd/$img3-moved" \
		"rbd/$img4-moved" "rbd/$par-moved"; do
		rbd migration abort "$i" >/dev/null 2>&1
	done
	for i in "$img" "$img2" "$img3" "$img4" "$par-child" "$par" "$par-moved"; do
		rbd snap unprotect "rbd/$i@base" >/dev/null 2>&1
		rbd snap purge "rbd/$i" >/dev/null 2>&1
		rbd rm "rbd/$i" >/dev/null 2>&1
	done
	ceph osd pool rm "$other" "$other" --yes-i-really-really-mean-it >/dev/null 2>&1
}
at_exit cleanup

ceph osd pool create "$other" 8 >/dev/null 2>&1
rbd pool init "$other" >/dev/null 2>&1

story "prepare, execute, commit: the data moves to another pool"
api POST $pool/images "{\"name\":\"$img\",\"size\":\"16M\"}"
expect_status 201 "create the volume"
rbd bench --io-type write --io-size 64K --io-total 8M --io-pattern seq "rbd/$img" >/dev/null 2>&1
before=$(sum "rbd/$img")
api GET "$pool/images/$img/migration"
expect_error 404 NotFound "image rbd/$img is not being migrated" "a volume that is not migrating"
api POST "$pool/images/$img/migration" "{\"pool\":\"$other\",\"name\":\"$img-moved\",\"object_size\":\"1M\"}"
expect_status 201 "prepare the migration"
is "$(header Location)" "/api/v1/pools/$other/images/$img-moved/migration" \
	"Location names the migration at the destination"
is "$(field '.Kind + " " + .state')" "Migration prepared" "a prepared Migration"
is "$(field '.source.pool + "/" + .source.name')" "rbd/$img" "from the source"
is "$(field '.destination.pool + "/" + .destination.name')" "$other/$img-moved" "to the destination"
is "$(field .progress)" 0 "nothing copied yet"
api GET "$pool/images/$img"
expect_error 404 NotFound "image rbd/$img does not exist" "the source left its name"
api GET "/api/v1/pools/$other/images/$img-moved"
expect_status 200 "the destination answers at once"
is "$(field .object_size)" 1048576 "with the new layout"
api GET "$pool/images/$img/migration"
expect_status 200 "the source's name still finds the migration"
is "$(field '.destination.pool + "/" + .destination.name')" "$other/$img-moved" "the same migration"

api DELETE "/api/v1/pools/$other/images/$img-moved"
expect_error 409 Conflict "image $other/$img-moved is being migrated from rbd/$img \\(state prepared\\); it cannot be deleted until the migration is committed" \
	"delete a migrating image"
api POST "/api/v1/pools/$other/images/$img-moved/trash"
expect_error 409 Conflict "is being migrated from rbd/$img .*cannot be moved to the trash" \
	"trash a migrating image"
api POST "/api/v1/pools/$other/images/$img-moved/migration/commit"
expect_error 409 Conflict "the migration of image $other/$img-moved is prepared, not executed: it cannot be committed now" \
	"commit before execute"

api POST "/api/v1/pools/$other/images/$img-moved/migration/execute"
expect_status 202 "execute it as a task"
task=$(header Location)
like "$task" '^/api/v1/tasks/' "Location names the task"
is "$(field .operation)" "migrate execute" "the manager's migrate execute"
wait_task "$task"
is "$(field .status)" succeeded "the task succeeded"
api GET "/api/v1/pools/$other/images/$img-moved/migration"
expect_status 200 "the migration's state"
is "$(field '.state + " " + (.progress | tostring)')" "executed 1" "executed, all copied"
api POST "/api/v1/pools/$other/images/$img-moved/migration/execute"
expect_error 409 Conflict "is executed, not prepared: it cannot be executed now" "execute twice"

api POST "/api/v1/pools/$other/images/$img-moved/migration/commit"
expect_status 200 "commit"
is "$(field '.Kind + " " + .name')" "Image $img-moved" "answers the migrated image"
is "$(sum "$other/$img-moved")" "$before" "the data is intact at the destination"
is "$(rbd trash ls --format json rbd | jq -r --arg n "$img" '[.[] | select(.name == $n)] | length')" 0 \
	"the source is gone (not even in the trash)"
api GET "/api/v1/pools/$other/images/$img-moved/migration"
expect_error 404 NotFound "is not being migrated" "no migration after commit"
story ""

story "abort leaves the source as it was"
api POST $pool/images "{\"name\":\"$img2\",\"size\":\"8M\"}"
expect_status 201 "create another volume"
rbd bench --io-type write --io-size 64K --io-total 4M --io-pattern seq "rbd/$img2" >/dev/null 2>&1
before=$(sum "rbd/$img2")
id=$(rbd info --format json "rbd/$img2" | jq -r .id)
api POST "$pool/images/$img2/migration" "{\"pool\":\"rbd\",\"name\":\"$img2-moved\"}"
expect_status 201 "prepare a rename in the same pool"
api POST "$pool/images/$img2-moved/migration/abort"
expect_status 200 "abort"
is "$(header Location)" "$pool/images/$img2" "Location names the source again"
is "$(field '.Kind + " " + .name + " " + .id')" "Image $img2 $id" "the source is back, same id"
is "$(field .warning)" null "no warning: nothing was written to the destination"
is "$(sum "rbd/$img2")" "$before" "with its data"
is "$(rbd ls rbd | grep -cx "$img2-moved")" 0 "the destination is gone"
api GET "$pool/images/$img2/migration"
expect_error 404 NotFound "is not being migrated" "no migration after abort"
story ""

# librbd 16.2 does not drop what was written to the destination: abort
# copies it back into the source (so does rbd migration abort). The answer
# warns.
story "abort after writes to the destination keeps them, and says so"
api POST $pool/images "{\"name\":\"$img3\",\"size\":\"8M\"}"
expect_status 201 "create a volume"
rbd bench --io-type write --io-size 64K --io-total 4M --io-pattern seq "rbd/$img3" >/dev/null 2>&1
before=$(sum "rbd/$img3")
api POST "$pool/images/$img3/migration" "{\"pool\":\"rbd\",\"name\":\"$img3-moved\"}"
expect_status 201 "prepare a migration"
rbd bench --io-type write --io-size 64K --io-total 2M --io-pattern rand "rbd/$img3-moved" >/dev/null 2>&1
written=$(sum "rbd/$img3-moved")
ok "$([ "$written" != "$before" ]; echo $?)" "a client wrote to the destination"
api POST "$pool/images/$img3-moved/migration/abort"
expect_status 200 "abort"
like "$(field .warning)" "^the destination was written to since the migration was prepared: the abort copied those writes back into the source, which now holds them$" \
	"the answer warns that the writes are in the source"
is "$(sum "rbd/$img3")" "$written" "the source holds what was written to the destination"

story "abort after execute warns too"
api POST $pool/images "{\"name\":\"$img4\",\"size\":\"8M\"}"
expect_status 201 "create a volume"
api POST "$pool/images/$img4/migration" "{\"pool\":\"rbd\",\"name\":\"$img4-moved\"}"
expect_status 201 "prepare a migration"
api POST "$pool/images/$img4-moved/migration/execute"
expect_status 202 "execute it"
wait_task "$(header Location)"
is "$(field .status)" succeeded "executed"
api POST "$pool/images/$img4-moved/migration/abort"
expect_status 200 "abort"
like "$(field .warning)" "^the migration was executed, so what clients wrote to the destination cannot be told from what execute copied" \
	"the answer warns that writes, if any, are in the source"

# As rbd migration commit without --force: a parent whose clones would be
# moved over under a client that has one open read-only.
story "commit of an image with a descendant needs force"
rbd create --size 8M "rbd/$par"
rbd snap create "rbd/$par@base" >/dev/null 2>&1
rbd snap protect "rbd/$par@base"
rbd clone "rbd/$par@base" "rbd/$par-child"
api POST "$pool/images/$par/migration" "{\"pool\":\"rbd\",\"name\":\"$par-moved\"}"
expect_status 201 "prepare the migration of a parent"
api POST "$pool/images/$par-moved/migration/execute"
wait_task "$(header Location)"
is "$(field .status)" succeeded "executed"
api POST "$pool/images/$par-moved/migration/commit"
expect_error 409 Conflict "^image rbd/$par-moved has a descendant \\(rbd/$par-child\\): committing moves it over to the migrated image, and a client that has it open read-only does not notice and goes on reading the old parent; close such clients, then commit with \\{\"force\": true\\}" \
	"commit is refused, naming the descendant"
api GET "$pool/images/$par-moved/migration"
is "$(field .state)" executed "the migration is still executed"
api POST "$pool/images/$par-moved/migration/commit" '{"froce":true}'
expect_error 400 BadRequest 'froce' "a misspelt field"
api POST "$pool/images/$par-moved/migration/commit" '{"force":true}'
expect_status 200 "commit with force"
is "$(rbd info --format json "rbd/$par-child" | jq -r .parent.image)" "$par-moved" \
	"the clone's parent is the migrated image"

story "bad requests"
api POST "$pool/images/$img2/migration" '{"name":"x"}'
expect_error 400 BadRequest 'pool' "no destination pool"
api POST "$pool/images/$img2/migration" '{"pool":"rbd","namespace":"a/b","name":"z"}'
expect_error 400 BadRequest 'field "namespace": namespace name "a/b"' "a bad destination namespace"
api POST "$pool/images/$img2/migration" '{"pool":"rbd"}'
expect_error 400 BadRequest "needs somewhere to go" "a migration to itself"
api POST "$pool/images/$img2/migration" '{"pool":"rbd","name":"y","features":["nope"]}'
expect_error 400 BadRequest 'unknown feature "nope"' "an unknown feature"
api POST "$pool/images/$img2/migration" '{"pool":"rbd","name":"y","object_size":"3K"}'
expect_error 400 BadRequest 'object_size' "a bad object size"
api POST "$pool/images/$img2/migration" '{"pool":"nopool-'$$'","name":"y"}'
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing destination pool"
api POST "$pool/images/nothing-$$/migration" '{"pool":"rbd","name":"y"}'
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "migrate a missing image"
api POST "$pool/images/$img2/migration" "{\"pool\":\"$other\",\"name\":\"$img-moved\"}"
expect_error 409 Conflict "an image of that name already exists" "onto a taken name"
api POST "$pool/images/$img2/migration/execute"
expect_error 404 NotFound "is not being migrated" "execute without prepare"
api POST "$pool/images/$img2/migration/abort"
expect_error 404 NotFound "is not being migrated" "abort without prepare"
is "$(sum "rbd/$img2")" "$before" "the refused requests left the volume as it was"
story ""

rbd rm "$other/$img-moved" >/dev/null 2>&1
done_testing
