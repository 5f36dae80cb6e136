#!/bin/bash
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

done_testing
