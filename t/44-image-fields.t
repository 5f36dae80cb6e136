#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What an Image and its snapshots say beyond size and features: striping,
# the parent's id and overlap of a clone, the group an image is in, and
# who made each snapshot (a user, a group snapshot, the trash of a clone's
# parent), with the snapshots of every kind listed on ?all=true; checked
# against `rbd info --format json` and `rbd snap ls --all --format json`.
. "$(dirname "$0")/lib/test-lib.sh"

pool=rbd
base=/api/v1/pools/$pool/images
plain=$(unique fields)
striped=$(unique striped)
clone=$(unique clone)
group=$(unique group)
at_exit "rbd rm $pool/$clone >/dev/null 2>&1; rbd group rm $pool/$group >/dev/null 2>&1; rbd snap unprotect $pool/$plain@base >/dev/null 2>&1; rbd snap purge $pool/$plain >/dev/null 2>&1; rbd rm $pool/$plain >/dev/null 2>&1; rbd rm $pool/$striped >/dev/null 2>&1"

story "an image without striping: one object at a time, no parent, no group"
api POST $base "{\"name\":\"$plain\",\"size\":\"16M\",\"features\":[\"layering\",\"exclusive-lock\"]}"
expect_status 201 "create an image"
is "$(field '"\(.stripe_unit) \(.stripe_count)"')" "4194304 1" "stripe_unit is the object size, stripe_count 1"
is "$(field .parent)/$(field .group)" "null/null" "parent and group are null"
api GET "$base/$plain"
is "$(field '"\(.stripe_unit) \(.stripe_count) \(.group)"')" "4194304 1 null" "the same read from its header"

story "a striped image: as rbd info says"
api POST $base "{\"name\":\"$striped\",\"size\":\"16M\",\"stripe_unit\":\"64K\",\"stripe_count\":4}"
expect_status 201 "create a striped image"
api GET "$base/$striped"
is "$(field '"\(.stripe_unit) \(.stripe_count)"')" \
	"$(rbd info "$pool/$striped" --format json | jq -r '"\(.stripe_unit) \(.stripe_count)"')" \
	"stripe_unit and stripe_count as rbd info says"
is "$(field .stripe_count)" 4 "four objects a stripe"

story "a clone: its parent's id and the overlap"
rbd snap create "$pool/$plain@base" >/dev/null 2>&1
rbd snap protect "$pool/$plain@base"
rbd clone "$pool/$plain@base" "$pool/$clone"
ok $? "clone it with the CLI"
api GET "$base/$clone"
info=$(rbd info "$pool/$clone" --format json)
is "$(field .parent.id)" "$(jq -r .parent.id <<<"$info")" "parent.id as rbd info says"
is "$(field .parent.id)" "$(rbd info "$pool/$plain" --format json | jq -r .id)" "the parent image's id"
is "$(field .parent.overlap)" "$(jq -r .parent.overlap <<<"$info")" "parent.overlap as rbd info says"
is "$(field .parent.overlap)" 16777216 "the whole parent"
api PATCH "$base/$clone" '{"size":"8M","allow_shrink":true}'
expect_status 200 "shrink the clone"
is "$(field .parent.overlap)" 8388608 "the overlap shrinks with it"

story "an image in a group says which"
rbd group create "$pool/$group"
rbd group image add "$pool/$group" "$pool/$plain"
ok $? "put the image in a group with the CLI"
api GET "$base/$plain"
is "$(field '"\(.group.pool)/\(.group.namespace)/\(.group.name)"')" "$pool//$group" "group: pool, namespace, name"
api GET "$base?detail=true"
is "$(field '.Items[] | select(.name == "'"$plain"'") | .group.name')" "$group" "also in a detailed listing"
is "$(field '.Items[] | select(.name == "'"$striped"'") | .group')" null "an image in no group: null there"

story "snapshots: namespace_type, and ?all=true lists every kind"
rbd group snap create "$pool/$group@gsnap"
ok $? "a group snapshot (one snapshot on each member)"
api GET "$base/$plain/snapshots"
expect_status 200 "list the snapshots"
is "$(field '[.Items[] | "\(.name):\(.namespace_type)"] | join(",")')" "base:user" \
	"by default only the user's, namespace_type user"
api GET "$base/$plain/snapshots?all=true"
expect_status 200 "list every snapshot"
cli=$(rbd snap ls --all "$pool/$plain" --format json)
is "$(field '[.Items[] | "\(.id) \(.namespace_type)"] | sort | join(",")')" \
	"$(jq -r '[.[] | "\(.id) \(.namespace.type // .namespace)"] | sort | join(",")' <<<"$cli")" \
	"ids and namespace types as rbd snap ls --all says"
is "$(field '[.Items[] | .namespace_type] | sort | join(",")')" "group,user" "a group one and a user one"
is "$(field '.Items[] | select(.namespace_type == "group") | .protected')" false "a group snapshot is not protected"
rbd group snap rm "$pool/$group@gsnap" >/dev/null 2>&1
rbd group image rm "$pool/$group" "$pool/$plain"

# A clone (format 2) keeps a removed snapshot alive in the trash namespace.
rbd flatten "$pool/$clone" >/dev/null 2>&1
rbd rm "$pool/$clone" >/dev/null 2>&1
rbd snap create "$pool/$plain@held" >/dev/null 2>&1
rbd clone --rbd-default-clone-format 2 "$pool/$plain@held" "$pool/$clone"
rbd snap rm "$pool/$plain@held" >/dev/null 2>&1
api GET "$base/$plain/snapshots?all=true"
is "$(field '[.Items[] | .namespace_type] | sort | join(",")')" \
	"$(rbd snap ls --all "$pool/$plain" --format json | jq -r '[.[] | .namespace.type // .namespace] | sort | join(",")')" \
	"a removed snapshot a clone holds: as rbd snap ls --all says"
is "$(field '[.Items[] | select(.namespace_type == "trash")] | length')" 1 "in the trash namespace"
api GET "$base/$plain/snapshots"
is "$(field '[.Items[] | .name] | join(",")')" base "not listed without ?all"

story "an image and a snapshot by id"
id=$(rbd info "$pool/$plain" --format json | jq -r .id)
api GET "/api/v1/pools/$pool/image-ids/$id"
expect_status 200 "an image by its id"
is "$(field .Kind)/$(field .name)/$(field .id)" "Image/$plain/$id" "the Image, named"
like "$(header Location)" "/api/v1/pools/$pool/images/$plain\$" "Location names it by name"
api GET "/api/v1/pools/$pool/image-ids/$(rbd info "$pool/$clone" --format json | jq -r .parent.id)"
is "$(field .name)" "$plain" "a clone's parent.id finds its parent"
tns=${RBD_API_TENANT_SCOPE#*/}
nsimg=$(unique byid)
api POST "/api/v1/pools/$pool/namespaces/$tns/images" "{\"name\":\"$nsimg\",\"size\":\"4M\"}"
nsid=$(field .id)
api GET "/api/v1/pools/$pool/namespaces/$tns/image-ids/$nsid"
is "$STATUS $(field .name)" "200 $nsimg" "in a namespace"
api GET "/api/v1/pools/$pool/image-ids/$nsid"
expect_error 404 NotFound "no image with id $nsid in pool $pool " "not in another namespace"
api DELETE "/api/v1/pools/$pool/namespaces/$tns/images/$nsimg"
api GET "/api/v1/pools/$pool/image-ids/0123456789abcdef"
expect_error 404 NotFound "no image with id 0123456789abcdef in pool $pool .*trash" "an id no image has"
api GET "/api/v1/pools/$pool/image-ids/not-an-id"
expect_error 400 BadRequest 'image id "not-an-id" in the path must be letters and digits' "an id that cannot be one"

trash_snap=$(rbd snap ls --all "$pool/$plain" --format json | jq -r '.[] | select((.namespace.type // .namespace) == "trash") | .id')
api GET "$base/$plain/snapshot-ids/$trash_snap"
expect_status 200 "a trash snapshot by its id"
is "$(field .Kind)/$(field .id)/$(field .namespace_type)" "Snapshot/$trash_snap/trash" "the Snapshot, of the trash namespace"
base_snap=$(rbd snap ls "$pool/$plain" --format json | jq -r '.[] | select(.name == "base") | .id')
api GET "$base/$plain/snapshot-ids/$base_snap"
is "$(field .name)/$(field .protected)/$(field .namespace_type)" "base/true/user" "a user snapshot by its id"
api GET "$base/$plain/snapshot-ids/999999"
expect_error 404 NotFound "image $pool/$plain has no snapshot with id 999999" "an id no snapshot has"
api GET "$base/$plain/snapshot-ids/base"
expect_error 400 BadRequest 'snapshot id "base" in the path must be a number' "a name where the id goes"

story "bad inputs"
api GET "$base/$plain/snapshots?all=maybe"
expect_error 400 BadRequest 'all' "?all that is not a boolean"
api GET "$base/$plain/snapshots?every=true"
expect_error 400 BadRequest 'every' "an unknown query parameter"

done_testing
