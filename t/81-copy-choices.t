#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Copies and clones with choices, as an operator makes them with rbd cp,
# rbd deep cp and rbd clone: a copy of a snapshot, a copy in a new layout
# (object size, features, striping, data pool), a deep copy of a clone
# made flat; a clone in the clone format asked for, or of a snapshot named
# by its id; and unprotecting a snapshot whose clones are all format 2.
# Checked against rbd info, rbd snap ls and the data (rbd export).
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
gold=$(unique cgold)
data=$(unique cdata)
made=()        # images to clean up, children before parents

cleanup() {
	local i
	for ((i = ${#made[@]} - 1; i >= 0; i--)); do
		rbd snap unprotect "rbd/${made[i]}@s1" >/dev/null 2>&1
		rbd snap unprotect "rbd/${made[i]}@s3" >/dev/null 2>&1
		rbd snap purge "rbd/${made[i]}" >/dev/null 2>&1
		rbd rm "rbd/${made[i]}" >/dev/null 2>&1
	done
	ceph osd pool rm "$data" "$data" --yes-i-really-really-mean-it >/dev/null 2>&1
}
at_exit cleanup

checksum() {
	rbd export "rbd/$1" - 2>/dev/null | md5sum | cut -d' ' -f1
}
info() {
	rbd info --format json "rbd/$1" | jq -r "$2"
}

# The golden image: s1, more data, s2, more data again.
api POST $base "{\"name\":\"$gold\",\"size\":\"8M\"}"
expect_status 201 "a golden image"
made+=("$gold")
# rbd bench seeds its data and offsets from the clock's second: each run
# in a second of its own, or two of them write the same bytes (FACTS.md).
bench_write() {
	local t0=$(date +%s)
	while [ "$(date +%s)" = "$t0" ]; do sleep 0.1; done
	rbd bench --io-type write --io-size 64K --io-total 1M --io-pattern rand "rbd/$1" >/dev/null 2>&1
}
bench_write "$gold"
rbd snap create "rbd/$gold@s1" >/dev/null 2>&1
bench_write "$gold"
rbd snap create "rbd/$gold@s2" >/dev/null 2>&1
bench_write "$gold"
s1_sum=$(checksum "$gold@s1")
ok "$([ "$s1_sum" != "$(checksum "$gold")" ]; echo $?)" "the head differs from s1"

# A copy of a snapshot: its data, not the head's.
story "a plain copy of a snapshot"
from=$(unique from)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$from\",\"deep\":false,\"snapshot\":\"s1\"}"
expect_status 201 "copy rbd/$gold@s1"
made+=("$from")
is "$(field .snapshot_count)" 0 "no snapshots"
is "$(checksum "$from")" "$s1_sum" "the data of s1"
story ""

story "a deep copy of a snapshot"
dfrom=$(unique dfrom)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$dfrom\",\"snapshot\":\"s1\"}"
expect_status 201 "deep copy rbd/$gold@s1"
made+=("$dfrom")
is "$(rbd snap ls --format json "rbd/$dfrom" | jq -r 'map(.name) | join(",")')" s1 \
	"rbd snap ls: the snapshots up to s1 only"
is "$(checksum "$dfrom")" "$s1_sum" "the head is s1's data"
story ""

# A new layout: what rbd cp --object-size/--image-feature/--stripe-* take.
story "a copy in a new layout"
laid=$(unique laid)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$laid\",\"deep\":false,\"object_size\":\"1M\",\"features\":[\"layering\"],\"stripe_unit\":\"64K\",\"stripe_count\":4}"
expect_status 201 "copy with object_size, features and striping"
made+=("$laid")
is "$(field .object_size)" 1048576 "the answer has the new object size"
is "$(info "$laid" '[.order, (.features | join(",")), .stripe_unit, .stripe_count] | map(tostring) | join(" ")')" \
	"20 layering,striping 65536 4" "rbd info: order 20, layering (and striping, librbd adds it), 64K x 4"
is "$(checksum "$laid")" "$(checksum "$gold")" "the same data"
story ""

story "a deep copy with a new object size"
dlaid=$(unique dlaid)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$dlaid\",\"object_size\":\"8M\"}"
expect_status 201 "deep copy with object_size"
made+=("$dlaid")
is "$(info "$dlaid" .order)" 23 "rbd info: order 23"
is "$(rbd snap ls --format json "rbd/$dlaid" | jq -r 'map(.name) | join(",")')" s1,s2 "the snapshots came along"
is "$(checksum "$dlaid@s1")" "$s1_sum" "with their data"
story ""

story "a copy into a data pool"
ceph osd pool create "$data" 8 >/dev/null 2>&1
rbd pool init "$data"
dp=$(unique dp)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$dp\",\"deep\":false,\"data_pool\":\"$data\"}"
expect_status 201 "copy with data_pool"
made+=("$dp")
is "$(info "$dp" .data_pool)" "$data" "rbd info names the data pool"
is "$(checksum "$dp")" "$(checksum "$gold")" "the same data"
story ""

# A deep copy of a clone is a clone too, unless flattened.
rbd snap protect "rbd/$gold@s1"
cl=$(unique cl)
api POST $base "{\"name\":\"$cl\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s1\"}}"
expect_status 201 "a clone to copy"
made+=("$cl")
story "a flattened deep copy of a clone"
flat=$(unique flat)
api POST "$base/$cl/copy" "{\"pool\":\"rbd\",\"name\":\"$flat\",\"flatten\":true}"
expect_status 201 "deep copy with flatten"
made+=("$flat")
is "$(field .parent)" null "no parent"
is "$(info "$flat" '.parent // "none"')" none "rbd info: no parent"
is "$(checksum "$flat")" "$s1_sum" "all of the data"
story ""

# ?async=true makes the same copy in a task.
story "an async copy of a snapshot in a new layout"
acopy=$(unique acopy)
api POST "$base/$gold/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$acopy\",\"deep\":false,\"snapshot\":\"s1\",\"object_size\":\"1M\"}"
expect_status 202 "accepted"
made+=("$acopy")
task=$(header Location)
is "$(field .snapshot)" s1 "the task names the source snapshot"
wait_task "$task"
is "$(field .status)" succeeded "the task succeeded"
is "$(info "$acopy" .order)" 20 "rbd info: order 20"
is "$(checksum "$acopy")" "$s1_sum" "the data of s1"
story ""

# What a copy request can get wrong; none of it makes an image.
x=$(unique never)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"snapshot\":\"nope\"}"
expect_error 404 NotFound "snapshot rbd/$gold@nope does not exist" "a missing source snapshot"
api POST "$base/$gold/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$x\",\"snapshot\":\"nope\"}"
expect_error 404 NotFound "snapshot rbd/$gold@nope does not exist" "an async copy of a missing snapshot"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"deep\":false,\"flatten\":true}"
expect_error 400 BadRequest 'field "flatten" goes with a deep copy only' "flatten with a plain copy"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"object_size\":\"3M\"}"
expect_error 400 BadRequest 'field "object_size" must be a power of two' "a bad object size"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"stripe_unit\":\"64K\"}"
expect_error 400 BadRequest '"stripe_unit" and "stripe_count" go together' "stripe_unit alone"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"features\":[\"warp-drive\"]}"
expect_error 400 BadRequest 'field "features": unknown feature "warp-drive"' "an unknown feature"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"data_pool\":\"nopool-$$\"}"
expect_error 404 NotFound "data pool nopool-$$ does not exist" "a missing data pool"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"snapshot\":\"a@b\"}"
expect_error 400 BadRequest 'field "snapshot"' "a bad snapshot name"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$x\",\"flatten\":1}"
expect_error 400 BadRequest 'field "flatten" in request body must be true or false' "flatten not a boolean"
ok "$(rbd info "rbd/$x" >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "none of them made an image"

# Clones in the format asked for. This cluster's default (auto, with
# luminous clients allowed) is format 1.
story "clone format 2 from an unprotected snapshot"
v2=$(unique v2)
api POST $base "{\"name\":\"$v2\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s2\",\"clone_format\":2}}"
expect_status 201 "clone_format 2 needs no protection"
made+=("$v2")
is "$(field .parent.snapshot)" s2 "the parent snapshot"
is "$(info "$v2" '.op_features | index("clone-child") != null')" true \
	"rbd info: op feature clone-child (format 2)"
story ""
api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s2\",\"clone_format\":1}}"
expect_error 409 Conflict "^snapshot rbd/$gold@s2 must be protected before it can be cloned \\(clone format 1\\)" \
	"clone_format 1 from an unprotected snapshot"

story "clone format 1, by snapshot id"
s1_id=$(rbd snap ls --format json "rbd/$gold" | jq -r '.[] | select(.name == "s1") | .id')
v1=$(unique v1)
api POST $base "{\"name\":\"$v1\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot_id\":$s1_id,\"clone_format\":1}}"
expect_status 201 "clone_format 1 from the protected snapshot, named by id"
made+=("$v1")
is "$(field .parent.snapshot)" s1 "its parent is s1"
is "$(info "$v1" '.parent.snapshot + " " + (.op_features | index("clone-child") == null | tostring)')" \
	"s1 true" "rbd info: parent s1, no clone-child op feature (format 1)"
story ""

api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot_id\":999999}}"
expect_error 404 NotFound "snapshot id 999999 of rbd/$gold does not exist" "a missing snapshot id"
api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s1\",\"snapshot_id\":$s1_id}}"
expect_error 400 BadRequest 'exactly one of "snapshot" \(a name\) and "snapshot_id"' "both snapshot and snapshot_id"
api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\"}}"
expect_error 400 BadRequest 'exactly one of "snapshot" \(a name\) and "snapshot_id"' "neither"
api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s1\",\"clone_format\":3}}"
expect_error 400 BadRequest 'field "clone_format" in field "parent" must be 1 or 2, not 3' "clone_format 3"
api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s1\",\"clone_format\":\"2\"}}"
expect_error 400 BadRequest 'field "clone_format"' "clone_format as a string"
api POST $base "{\"name\":\"$x\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot_id\":-1}}"
expect_error 400 BadRequest 'field "snapshot_id"' "a negative snapshot id"
ok "$(rbd info "rbd/$x" >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "none of them made an image"

# Unprotect: format 2 clones do not need the protection, format 1 do.
story "unprotect with format 2 clones only"
rbd snap create "rbd/$gold@s3" >/dev/null 2>&1
rbd snap protect "rbd/$gold@s3"
v2b=$(unique v2b)
api POST $base "{\"name\":\"$v2b\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"s3\",\"clone_format\":2}}"
expect_status 201 "a format 2 clone of the protected s3"
made+=("$v2b")
api PATCH "$base/$gold/snapshots/s3" '{"protected":false}'
expect_status 200 "unprotect s3"
is "$(field .protected)" false "unprotected"
is "$(rbd snap ls --format json "rbd/$gold" | jq -r '.[] | select(.name == "s3") | .protected')" false \
	"rbd snap ls agrees"
is "$(rbd children "rbd/$gold@s3")" "rbd/$v2b" "rbd children: the clone still hangs off it"
story ""
api PATCH "$base/$gold/snapshots/s1" '{"protected":false}'
expect_error 409 Conflict "cannot unprotect snapshot rbd/$gold@s1: it has 2 clones \\(.*rbd/$v1.*\\); flatten or delete the clones made with clone format 1 first" \
	"unprotect with a format 1 clone"
is "$(rbd snap ls --format json "rbd/$gold" | jq -r '.[] | select(.name == "s1") | .protected')" true \
	"s1 stays protected"

done_testing
