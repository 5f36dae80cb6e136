#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Images whose data lives in another pool (an erasure-coded pool in real
# life; a second replicated one here): made, read, listed, snapshotted and
# migrated to through the API like any other. Their block name prefix is
# "rbd_data.POOLID.ID", longer than librbd's RBD_MAX_BLOCK_NAME_SIZE (24)
# once the image's pool id has two digits: the API must read it whole.
. "$(dirname "$0")/lib/test-lib.sh"

pool=$(unique dpimg)
data=$(unique dpdata)
base=/api/v1/pools/$pool
img=$(unique vol)
moved=$(unique moved)

cleanup() {
	rbd migration abort "$pool/$moved" >/dev/null 2>&1
	for p in "$pool" "$data"; do
		ceph osd pool rm "$p" "$p" --yes-i-really-really-mean-it >/dev/null 2>&1
	done
}
at_exit cleanup

# The image's pool id goes into the prefix: make it two digits at least
# (a young cluster's pools have ids 1, 2, ...), so the prefix of an id
# librbd makes (12 or more characters) has 24 or more.
pool_id() { ceph osd pool ls detail --format json | jq -r --arg p "$1" '.[] | select(.pool_name == $p) | .pool_id'; }
for ((i = 0; i < 12; i++)); do
	ceph osd pool create "$pool" 8 >/dev/null 2>&1
	[ "$(pool_id "$pool")" -ge 10 ] && break
	ceph osd pool rm "$pool" "$pool" --yes-i-really-really-mean-it >/dev/null 2>&1
done
ceph osd pool create "$data" 8 >/dev/null 2>&1
rbd pool init "$pool"
rbd pool init "$data"
ok "$([ "$(pool_id "$pool")" -ge 10 ]; echo $?)" "the image pool's id has two digits or more ($(pool_id "$pool"))"

story "create an image with a data pool"
api POST $base/images "{\"name\":\"$img\",\"size\":\"4M\",\"data_pool\":\"$data\"}"
expect_status 201 "create answers 201"
prefix=$(rbd info --format json "$pool/$img" | jq -r .block_name_prefix)
ok "$([ "${#prefix}" -ge 24 ]; echo $?)" "its prefix ($prefix) is 24 characters or more"
is "$(field .block_name_prefix)" "$prefix" "the answer gives the whole prefix"
is "$(field .data_pool)" "$data" "and names the data pool"
is "$(rbd info --format json "$pool/$img" | jq -r .data_pool)" "$data" "rbd info says the same data pool"
story ""

story "read, list and snapshot it"
api GET "$base/images/$img"
expect_status 200 "GET reads it"
is "$(field '.block_name_prefix + " " + .data_pool')" "$prefix $data" "prefix and data pool"
api GET "$base/images?detail=true"
expect_status 200 "the detail listing answers"
is "$(field ".Items[] | select(.name == \"$img\") | .block_name_prefix + \" \" + (.error // \"\")")" \
	"$prefix " "it lists the image without an error"
api POST "$base/images/$img/snapshots" '{"name":"s1"}'
expect_status 201 "snapshot it"
api GET "$base/images/$img"
is "$STATUS $(field .snapshot_count)" "200 1" "read with a snapshot (opened by librbd)"
is "$(field .block_name_prefix)" "$prefix" "the same prefix"
api GET "$base/images?detail=true"
is "$(field ".Items[] | select(.name == \"$img\") | .block_name_prefix + \" \" + (.error // \"\")")" \
	"$prefix " "and listed the same"
api DELETE "$base/images/$img/snapshots/s1"
expect_status 204 "remove the snapshot"
story ""

story "migrate an image to a data pool and commit"
api POST $base/images "{\"name\":\"$moved-src\",\"size\":\"4M\"}"
expect_status 201 "create a plain image"
api POST "$base/images/$moved-src/migration" "{\"pool\":\"$pool\",\"name\":\"$moved\",\"data_pool\":\"$data\"}"
expect_status 201 "prepare a migration onto the data pool"
api POST "$base/images/$moved/migration/execute"
expect_status 202 "execute it"
wait_task "$(header Location)"
is "$(field .status)" succeeded "the copy succeeded"
api POST "$base/images/$moved/migration/commit"
expect_status 200 "commit answers 200"
is "$(field '.name + " " + .data_pool')" "$moved $data" "with the image in its data pool"
is "$(rbd info --format json "$pool/$moved" | jq -r .data_pool)" "$data" "rbd info says the same"
api GET "$base/images/$moved"
expect_status 200 "and it reads"
story ""

story "delete them"
api DELETE "$base/images/$img"
expect_status 204 "delete the first"
api DELETE "$base/images/$moved"
expect_status 204 "delete the migrated one"
story ""

done_testing
