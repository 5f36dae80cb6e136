#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Consistency groups: an operator groups a VM's two disks, snapshots them
# at one point in time, writes over both, and rolls the group back: every
# disk is as it was (checksums through the rbd CLI). Then the answers for
# what cannot be done: a missing group or image, an image in two groups, a
# group with snapshots deleted, a rollback under a client.
. "$(dirname "$0")/lib/test-lib.sh"

pool=/api/v1/pools/rbd
groups=$pool/groups
grp=$(unique vmgroup)
disk1=$(unique gdisk1)
disk2=$(unique gdisk2)

sum() { rbd export "rbd/$1" - 2>/dev/null | sha256sum | cut -d' ' -f1; }
# rbd bench writes the same byte every run: the first fill covers half of
# a disk, the second all of it, so the second changes what a checksum sees.
fill() { rbd bench --io-type write --io-size 64K --io-total "$2" --io-pattern seq "rbd/$1" >/dev/null 2>&1; }
cleanup() {
	for s in $(rbd group snap ls --format json "rbd/$grp" 2>/dev/null | jq -r '.[].snapshot'); do
		rbd group snap rm "rbd/$grp@$s" >/dev/null 2>&1
	done
	rbd group rm "rbd/$grp" >/dev/null 2>&1
	rbd group rm "rbd/$grp-other" >/dev/null 2>&1
	rbd rm "rbd/$disk1" >/dev/null 2>&1
	rbd rm "rbd/$disk2" >/dev/null 2>&1
}
at_exit cleanup

story "create a group and add two disks"
api POST $pool/images "{\"name\":\"$disk1\",\"size\":\"16M\"}"
expect_status 201 "create disk 1"
api POST $pool/images "{\"name\":\"$disk2\",\"size\":\"16M\"}"
expect_status 201 "create disk 2"
api POST $groups "{\"name\":\"$grp\"}"
expect_status 201 "create the group"
is "$(header Location)" "$groups/$grp" "Location names the group"
is "$(field '.Kind + " " + .name + " " + .pool + " " + (.images | length | tostring)')" \
	"Group $grp rbd 0" "an empty Group"
api GET $groups
expect_status 200 "list groups"
is "$(field '.Kind')" GroupList "a GroupList"
is "$(field '.Items[] | select(.name == "'"$grp"'") | .pool')" rbd "lists the new group"
api POST "$groups/$grp/images" "{\"pool\":\"rbd\",\"image\":\"$disk1\"}"
expect_status 200 "add disk 1"
api POST "$groups/$grp/images" "{\"pool\":\"rbd\",\"image\":\"$disk2\"}"
expect_status 200 "add disk 2"
is "$(field '[.images[].name] | sort | join(" ")')" "$(printf '%s\n' "$disk1" "$disk2" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"the Group lists both disks"
is "$(field '[.images[].state] | unique | join(",")')" attached "both attached"
is "$(rbd group image ls --format json "rbd/$grp" | jq -r 'length')" 2 "rbd group image ls agrees"
api GET "$groups/$grp"
expect_status 200 "get the group"
is "$(field '(.images | length | tostring) + " " + (.snapshot_count | tostring)')" "2 0" \
	"two images, no snapshots"
story ""

story "a group snapshot and a rollback restore every disk"
fill "$disk1" 8M
fill "$disk2" 8M
before1=$(sum "$disk1")
before2=$(sum "$disk2")
api POST "$groups/$grp/snapshots" '{"name":"point"}'
expect_status 201 "snapshot the group"
is "$(header Location)" "$groups/$grp/snapshots/point" "Location names the group snapshot"
is "$(field '.Kind + " " + .name + " " + .group + " " + .state')" "GroupSnapshot point $grp complete" \
	"a complete GroupSnapshot"
api GET "$groups/$grp/snapshots"
expect_status 200 "list the group's snapshots"
is "$(field '.Kind + " " + ([.Items[].name] | join(","))')" "GroupSnapshotList point" "lists it"
is "$(rbd group snap ls --format json "rbd/$grp" | jq -r '.[].snapshot')" point "rbd group snap ls agrees"
api POST "$groups/$grp/snapshots" '{"name":"point"}'
expect_error 409 Conflict "group snapshot rbd/$grp@point already exists" "the same name twice"
fill "$disk1" 16M
fill "$disk2" 16M
ok "$([ "$(sum "$disk1")" != "$before1" ] && [ "$(sum "$disk2")" != "$before2" ]; echo $?)" \
	"both disks were written over"
api POST "$groups/$grp/snapshots/point/rollback"
expect_status 200 "roll the group back"
is "$(field '.Kind + " " + .name')" "GroupSnapshot point" "answers the group snapshot"
is "$(sum "$disk1")" "$before1" "disk 1 has its data of the snapshot"
is "$(sum "$disk2")" "$before2" "disk 2 has its data of the snapshot"
story ""

story "what cannot be done"
api GET "$groups/nothing-$$"
expect_error 404 NotFound "group rbd/nothing-$$ does not exist" "a missing group"
api POST "$groups/nothing-$$/snapshots" '{"name":"s"}'
expect_error 404 NotFound "group rbd/nothing-$$ does not exist" "snapshot a missing group"
api POST $groups "{\"name\":\"$grp\"}"
expect_error 409 Conflict "group rbd/$grp already exists" "create a group twice"
api POST $groups '{"name":"a/b"}'
expect_error 400 BadRequest 'name' "a name with a slash"
api POST $groups '{"nmae":"x"}'
expect_error 400 BadRequest 'nmae' "a typo in the body"
api GET "$groups/a%40b"
expect_error 400 BadRequest 'group name "a@b"' "a group name that breaks the name rule"
api POST "$groups/$grp/images" "{\"pool\":\"rbd\",\"image\":\"missing-$$\"}"
expect_error 404 NotFound "image rbd/missing-$$ does not exist" "add a missing image"
api POST "$groups/$grp/images" "{\"pool\":\"rbd\",\"namespace\":\"ns1\",\"image\":\"$disk1\"}"
expect_error 400 BadRequest 'field "namespace" must be ""' "a member in another namespace"
api POST $groups "{\"name\":\"$grp-other\"}"
expect_status 201 "a second group"
api POST "$groups/$grp-other/images" "{\"pool\":\"rbd\",\"image\":\"$disk1\"}"
expect_error 409 Conflict "image rbd/$disk1 already belongs to group rbd/$grp; an image can be in one group only" "an image in two groups"
api DELETE "$groups/$grp-other/images" "{\"pool\":\"rbd\",\"image\":\"$disk1\"}"
expect_error 404 NotFound "image rbd/$disk1 is not a member of group rbd/$grp-other" \
	"remove an image that is not a member"
api DELETE "$groups/$grp-other"
expect_status 204 "delete the empty second group"
api GET "$groups/$grp/snapshots/point"
expect_status 405 "a group snapshot has no GET of its own"
api POST "$groups/$grp/snapshots/nothing/rollback"
expect_error 404 NotFound "group snapshot rbd/$grp@nothing does not exist" "roll back to a missing snapshot"
api DELETE "$groups/$grp"
expect_error 409 Conflict "group rbd/$grp has 1 group snapshot \\(first: point\\); delete them first" \
	"delete a group that has snapshots"
api DELETE "$pool/images/$disk1"
expect_error 409 Conflict "" "delete an image that has a group snapshot"
story ""

story "a rollback under a client is refused"
rbd bench --io-type write --io-total 256M --io-size 4K --io-pattern rand "rbd/$disk2" >/dev/null 2>&1 &
bench=$!
for _ in $(seq 50); do
	[ "$(rbd status --format json "rbd/$disk2" | jq '.watchers | length')" -gt 0 ] && break
	sleep 0.1
done
api POST "$groups/$grp/snapshots/point/rollback"
expect_error 409 Conflict "image rbd/$disk2 is open by 1 client .*before rolling back group rbd/$grp to point" \
	"roll back while a client has a disk open"
kill "$bench" 2>/dev/null
wait "$bench" 2>/dev/null
story ""

story "a member moved to the trash and restored"
# As Ceph's own tests expect: librbd moves a group's image to the trash
# (201) and it stays a member. While it is there librbd (16.2) cannot
# name it, and its C API then lists none of the group's images (the rbd
# CLI lists those before it); restoring it brings the list back.
api POST "$pool/images/$disk1/trash"
expect_status 201 "move disk 1 to the trash"
trashed=$(header Location)
api GET "$groups/$grp"
expect_status 200 "the group still reads"
api POST "$trashed/restore"
expect_status 201 "restore disk 1"
api GET "$groups/$grp"
is "$(field '[.images[].name] | sort | join(",")')" "$(printf '%s\n' "$disk1" "$disk2" | sort | paste -sd,)" \
	"both are members again"
story ""

story "take it apart"
api DELETE "$groups/$grp/snapshots/point"
expect_status 204 "delete the group snapshot"
is "$(rbd group snap ls --format json "rbd/$grp" | jq -r 'length')" 0 "rbd sees no group snapshot"
api DELETE "$groups/$grp/snapshots/point"
expect_error 404 NotFound "group snapshot rbd/$grp@point does not exist" "delete it twice"
api DELETE "$groups/$grp/images" "{\"pool\":\"rbd\",\"image\":\"$disk1\"}"
expect_status 204 "remove disk 1"
api GET "$groups/$grp"
is "$(field '[.images[].name] | join(",")')" "$disk2" "disk 2 is left"
api DELETE "$groups/$grp"
expect_status 204 "delete the group with disk 2 in it"
api GET "$groups/$grp"
expect_error 404 NotFound "group rbd/$grp does not exist" "the group is gone"
is "$(rbd info --format json "rbd/$disk2" | jq -r '.group // "none"')" none "disk 2 left the group"
story ""

story "groups in a namespace, managed by the namespace's operator"
# team-a is an operator in rbd/team-a only (t/lib/stack.sh): there it
# creates, fills, snapshots, renames and deletes a group of its own.
tns=${RBD_API_TENANT_SCOPE#*/}
tpool=${RBD_API_TENANT_SCOPE%%/*}
nsgroups=/api/v1/pools/$tpool/namespaces/$tns/groups
nsgrp=$(unique nsgroup)
nsdisk=$(unique nsdisk)
ns_cleanup() {
	for g in "$nsgrp" "$nsgrp-renamed" "$nsgrp-2"; do
		for s in $(rbd group snap ls --format json "$tpool/$tns/$g" 2>/dev/null | jq -r '.[].snapshot'); do
			rbd group snap rm "$tpool/$tns/$g@$s" >/dev/null 2>&1
		done
		rbd group rm "$tpool/$tns/$g" >/dev/null 2>&1
	done
	rbd rm "$tpool/$tns/$nsdisk" >/dev/null 2>&1
}
at_exit ns_cleanup
tenant() { api "$1" "$2" "${3:-}" -u "$RBD_API_TENANT"; }
tenant POST "/api/v1/pools/$tpool/namespaces/$tns/images" "{\"name\":\"$nsdisk\",\"size\":\"8M\"}"
expect_status 201 "team-a creates an image in its namespace"
tenant POST "$nsgroups" "{\"name\":\"$nsgrp\"}"
expect_status 201 "and a group there"
is "$(header Location)" "$nsgroups/$nsgrp" "Location names the group under its namespace"
is "$(field '.pool + "/" + .namespace + "/" + .name')" "$tpool/$tns/$nsgrp" "the Group names its namespace"
is "$(rbd group ls --pool "$tpool" --namespace "$tns" --format json | jq -r --arg g "$nsgrp" 'map(select(. == $g)) | length')" 1 \
	"rbd group ls of the namespace lists it"
is "$(rbd group ls --pool "$tpool" --format json | jq -r --arg g "$nsgrp" 'map(select(. == $g)) | length')" 0 \
	"and rbd group ls of the default namespace does not"
tenant GET "$nsgroups"
is "$(field '[.Items[] | select(.name == "'"$nsgrp"'") | .namespace] | join(",")')" "$tns" "the GroupList lists it in its namespace"
tenant POST "$nsgroups/$nsgrp/images" "{\"pool\":\"$tpool\",\"image\":\"$nsdisk\"}"
expect_status 200 "team-a adds its image (the namespace left out is the group's)"
is "$(field '[.images[] | .pool + "/" + .namespace + "/" + .name] | join(",")')" "$tpool/$tns/$nsdisk" \
	"the member is in the group's namespace"
is "$(rbd group image ls --format json "$tpool/$tns/$nsgrp" | jq -r '.[].image')" "$nsdisk" "rbd group image ls agrees"
api POST "$nsgroups/$nsgrp/images" "{\"pool\":\"$tpool\",\"namespace\":\"\",\"image\":\"$nsdisk\"}"
expect_error 400 BadRequest "field \"namespace\" must be \"$tns\", the namespace of group $tpool/$tns/$nsgrp" \
	"a member named in another namespace"
tenant POST "$nsgroups/$nsgrp/images" "{\"pool\":\"$tpool\",\"namespace\":\"\",\"image\":\"$nsdisk\"}"
expect_error 403 Forbidden "user team-a \\(role operator\\) may not change images in $tpool" \
	"team-a naming a member outside its scope is refused first"
tenant POST "$nsgroups/$nsgrp/snapshots" '{"name":"s1"}'
expect_status 201 "team-a snapshots its group"
is "$(header Location)" "$nsgroups/$nsgrp/snapshots/s1" "Location names the group snapshot"
is "$(field '.namespace + " " + .state')" "$tns complete" "a complete GroupSnapshot in the namespace"
tenant PATCH "$nsgroups/$nsgrp/snapshots/s1" '{"name":"s2"}'
expect_status 200 "team-a renames the group snapshot"
is "$(field '.Kind + " " + .name + " " + .group')" "GroupSnapshot s2 $nsgrp" "answers it under its new name"
is "$(rbd group snap ls --format json "$tpool/$tns/$nsgrp" | jq -r '[.[].snapshot] | join(",")')" s2 \
	"rbd group snap ls sees the new name"
tenant PATCH "$nsgroups/$nsgrp/snapshots/s2" '{"name":"s2"}'
expect_status 200 "the same name is no change"
tenant POST "$nsgroups/$nsgrp/snapshots" '{"name":"s3"}'
expect_status 201 "a second group snapshot"
tenant PATCH "$nsgroups/$nsgrp/snapshots/s2" '{"name":"s3"}'
expect_error 409 Conflict "cannot rename group snapshot $tpool/$tns/$nsgrp@s2 to s3: $tpool/$tns/$nsgrp@s3 already exists" \
	"rename a group snapshot to a taken name"
tenant PATCH "$nsgroups/$nsgrp/snapshots/nothing" '{"name":"s4"}'
expect_error 404 NotFound "group snapshot $tpool/$tns/$nsgrp@nothing does not exist" "rename a missing group snapshot"
tenant PATCH "$nsgroups/$nsgrp/snapshots/s2" '{"name":"a@b"}'
expect_error 400 BadRequest '"name"' "a new name that breaks the name rule"
tenant PATCH "$nsgroups/$nsgrp/snapshots/s2" '{"nmae":"s4"}'
expect_error 400 BadRequest 'nmae' "a typo in the body"
is "$(rbd group snap ls --format json "$tpool/$tns/$nsgrp" | jq -r '[.[].snapshot] | sort | join(",")')" s2,s3 \
	"the refused renames changed nothing"
tenant PATCH "$nsgroups/$nsgrp" "{\"name\":\"$nsgrp-renamed\"}"
expect_status 200 "team-a renames its group"
is "$(field '.name + " " + (.snapshot_count | tostring) + " " + ([.images[].name] | join(","))')" \
	"$nsgrp-renamed 2 $nsdisk" "the renamed group keeps its images and snapshots"
is "$(rbd group ls --pool "$tpool" --namespace "$tns" --format json | jq -r --arg g "$nsgrp" '[.[] | select(startswith($g))] | join(",")')" \
	"$nsgrp-renamed" "rbd group ls sees the new name only"
is "$(rbd group snap ls --format json "$tpool/$tns/$nsgrp-renamed" | jq -r '[.[].snapshot] | sort | join(",")')" s2,s3 \
	"rbd group snap ls finds the snapshots under it"
tenant GET "$nsgroups/$nsgrp"
expect_error 404 NotFound "group $tpool/$tns/$nsgrp does not exist" "the old name is gone"
tenant POST "$nsgroups" "{\"name\":\"$nsgrp-2\"}"
expect_status 201 "another group"
tenant PATCH "$nsgroups/$nsgrp-renamed" "{\"name\":\"$nsgrp-2\"}"
expect_error 409 Conflict "cannot rename group $tpool/$tns/$nsgrp-renamed to $nsgrp-2: $tpool/$tns/$nsgrp-2 already exists" \
	"rename a group to a taken name"
tenant PATCH "$nsgroups/nothing-$$" '{"name":"x"}'
expect_error 404 NotFound "group $tpool/$tns/nothing-$$ does not exist" "rename a missing group"
tenant PATCH "$nsgroups/$nsgrp-renamed" '{"name":"a/b"}'
expect_error 400 BadRequest '"name"' "a new group name with a slash"
tenant PATCH "$nsgroups/$nsgrp-renamed" '{}'
expect_error 400 BadRequest '"name"' "no new name"
api PATCH "$nsgroups/$nsgrp-renamed" '{"name":"x"}' -u "$RBD_API_VIEWER"
expect_status 403 "a viewer may not rename it"
api GET "/api/v1/pools/$tpool/namespaces/missing-$$/groups"
expect_error 404 NotFound "namespace" "the groups of a missing namespace"
for s in s2 s3; do
	tenant DELETE "$nsgroups/$nsgrp-renamed/snapshots/$s"
	expect_status 204 "team-a deletes group snapshot $s"
done
tenant DELETE "$nsgroups/$nsgrp-renamed"
expect_status 204 "and its group"
tenant DELETE "$nsgroups/$nsgrp-2"
expect_status 204 "and the other"
is "$(rbd group ls --pool "$tpool" --namespace "$tns" --format json | jq -r --arg g "$nsgrp" '[.[] | select(startswith($g))] | length')" 0 \
	"rbd sees no group of the story left"
story ""

done_testing
