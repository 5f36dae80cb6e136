#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Clones and copies, as a team that keeps a golden image does: snapshot
# it, clone volumes from the snapshot, list them as its children, flatten
# one so it stands alone, copy the golden image (deep, with its snapshots,
# and plain). The data is checked byte for byte with rbd export.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
gold=$(unique gold)
clone=$(unique vol)
made=()        # images to clean up, children before parents
watch_pid=

cleanup_images() {
	local i
	for ((i = ${#made[@]} - 1; i >= 0; i--)); do
		rbd snap unprotect "rbd/${made[i]}@base" >/dev/null 2>&1
		rbd snap purge "rbd/${made[i]}" >/dev/null 2>&1
		rbd rm "rbd/${made[i]}" >/dev/null 2>&1
	done
}

# extra_ready: waits (at most 60 s) until the extra daemon's workers
# answer with the cluster connected, so its first real request counts.
extra_ready() {
	local i
	for ((i = 0; i < 300; i++)); do
		fcgi "$EXTRA_SOCKET" GET /api/v1/pools/rbd
		[ "$STATUS" = 200 ] && return 0
		sleep 0.2
	done
	return 1
}

checksum() {
	rbd export "rbd/$1" - 2>/dev/null | md5sum | cut -d' ' -f1
}

# The golden image, with some data and a protected snapshot.
api POST $base "{\"name\":\"$gold\",\"size\":\"16M\"}"
expect_status 201 "a golden image"
made+=("$gold")
rbd bench --io-type write --io-size 64K --io-total 2M --io-pattern rand "rbd/$gold" >/dev/null 2>&1
rbd snap create "rbd/$gold@base" >/dev/null 2>&1
rbd snap protect "rbd/$gold@base"
gold_sum=$(checksum "$gold@base")

# A clone from the protected snapshot works whatever the clone format.
api POST $base "{\"name\":\"$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"base\"}}"
expect_status 201 "clone the snapshot"
made+=("$clone")
is "$(header Location)" "$base/$clone" "Location names the clone"
is "$(field .Kind)" Image "an Image"
is "$(field .name)" "$clone" "named as asked"
is "$(field '.parent | [.pool, .namespace, .image, .snapshot] | join(",")')" "rbd,,$gold,base" \
	"its parent is the snapshot"
is "$(field .size)" 16777216 "the size of the parent snapshot"
is "$(rbd info --format json "rbd/$clone" | jq -r '.parent.image + "@" + .parent.snapshot')" \
	"$gold@base" "rbd info shows the parent"
is "$(checksum "$clone")" "$gold_sum" "the clone has the parent's data"

# Clone options are the create options.
opts=$(unique vol)
api POST $base "{\"name\":\"$opts\",\"features\":[\"layering\",\"exclusive-lock\"],\"parent\":{\"pool\":\"rbd\",\"namespace\":\"\",\"image\":\"$gold\",\"snapshot\":\"base\"}}"
expect_status 201 "clone with features (and an explicit default namespace)"
made+=("$opts")
is "$(field '.features | sort | join(",")')" "exclusive-lock,layering" "the features asked for"

# What a clone request can get wrong.
parent="\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"base\""
api POST $base "{\"name\":\"$clone\",\"parent\":{$parent}}"
expect_error 409 Conflict "image rbd/$clone already exists" "a clone onto an existing name"
api POST $base "{\"name\":\"x$clone\",\"size\":\"1G\",\"parent\":{$parent}}"
expect_error 400 BadRequest 'field "size" does not go with "parent"' "size with a parent"
api POST $base "{\"name\":\"x$clone\",\"features\":[\"exclusive-lock\"],\"parent\":{$parent}}"
expect_error 400 BadRequest 'must include "layering" for a clone' "a clone without layering"
api POST $base "{\"name\":\"x$clone\"}"
expect_error 400 BadRequest 'field "size" is required.*"parent"' "neither size nor parent"
api POST $base "{\"name\":\"x$clone\",\"parent\":\"$gold@base\"}"
expect_error 400 BadRequest 'field "parent" in request body must be an object' "parent as a string"
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\"}}"
expect_error 400 BadRequest 'field "parent" needs exactly one of "snapshot" \(a name\) and "snapshot_id"' "parent without a snapshot"
api POST $base "{\"name\":\"x$clone\",\"parent\":{$parent,\"snap\":\"base\"}}"
expect_error 400 BadRequest 'unknown field "snap" in field "parent"; allowed fields: pool, namespace, image, snapshot' \
	"an unknown field in parent"
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold@base\",\"snapshot\":\"base\"}}"
expect_error 400 BadRequest "field \"image\" in field \"parent\": name contains '@'" "a parent image name with @"
api POST $base "{\"name\":\"x$clone\",\"parent\":{$parent,\"namespace\":\"a/b\"}}"
expect_error 400 BadRequest "field \"namespace\" in field \"parent\": name contains '/'" "a bad parent namespace"
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":7}}"
expect_error 400 BadRequest 'field "snapshot" in field "parent" must be a name' "a snapshot that is a number"
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"nopool-$$\",\"image\":\"$gold\",\"snapshot\":\"base\"}}"
expect_error 404 NotFound "parent pool nopool-$$ does not exist" "a missing parent pool"
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"nothing-$$\",\"snapshot\":\"base\"}}"
expect_error 404 NotFound "parent image rbd/nothing-$$ does not exist" "a missing parent image"
trashed=$(unique trashed)
rbd create --size 4M "rbd/$trashed"
rbd snap create "rbd/$trashed@base" >/dev/null 2>&1
rbd trash mv "rbd/$trashed"
trashed_id=$(rbd trash ls --format json rbd | jq -r --arg n "$trashed" '.[] | select(.name == $n) | .id')
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$trashed\",\"snapshot\":\"base\"}}"
expect_error 404 NotFound "parent image rbd/$trashed does not exist: it is in the trash \(id $trashed_id\); restore it first \(POST /api/v1/pools/rbd/trash/$trashed_id/restore\)" \
	"a parent in the trash"
rbd trash restore "rbd/$trashed_id" >/dev/null 2>&1
made+=("$trashed")
api POST $base "{\"name\":\"x$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"nothing\"}}"
expect_error 404 NotFound "snapshot rbd/$gold@nothing does not exist" "a missing parent snapshot"
api POST $base "{\"name\":\"x$clone\",\"parent\":{$parent,\"namespace\":\"nons-$$\"}}"
expect_error 404 NotFound "nons-$$.* does not exist" "a missing parent namespace"
api POST "/api/v1/pools/nopool-$$/images" "{\"name\":\"x$clone\",\"parent\":{$parent}}"
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing child pool"
ok "$(rbd info "rbd/x$clone" >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "none of them made an image"

# The clone format is the cluster's choice (rbd_default_clone_format,
# "auto" by default: format 2 only when every client may be mimic or
# newer). Two daemons of our own, told the format through CEPH_ARGS, show
# both without changing the cluster the other tests share.
rbd snap create "rbd/$gold@loose" >/dev/null 2>&1
CEPH_ARGS="--rbd_default_clone_format=1" extra_daemon clonev1
ok "$(extra_ready; echo $?)" "a daemon with clone format 1"
v1_socket=$EXTRA_SOCKET
fcgi "$EXTRA_SOCKET" POST $base "{\"name\":\"v1$clone\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"loose\"}}"
expect_error 409 Conflict \
	"^snapshot rbd/$gold@loose must be protected before it can be cloned \\(clone format 1\\): PATCH it" \
	"format 1 from an unprotected snapshot"
CEPH_ARGS="--rbd_default_clone_format=2" extra_daemon clonev2
ok "$(extra_ready; echo $?)" "a daemon with clone format 2"
v2=v2$clone
fcgi "$EXTRA_SOCKET" POST $base "{\"name\":\"$v2\",\"parent\":{\"pool\":\"rbd\",\"image\":\"$gold\",\"snapshot\":\"loose\"}}"
is "$STATUS" 201 "format 2 clones an unprotected snapshot"
made+=("$v2")
is "$(field .parent.snapshot)" loose "from that snapshot"

# Children: every clone of every snapshot, with the snapshot it hangs off.
api GET "$base/$gold/children"
expect_status 200 "list the children"
is "$(field .Kind)" ImageList "an ImageList"
is "$(field '[.Items[] | .image + "@" + .snapshot] | sort | join(" ")')" \
	"$(printf '%s\n' "$clone@base" "$opts@base" "$v2@loose" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"the three clones, each with its snapshot"
is "$(field "[.Items[] | select(.image == \"$clone\") | .pool, .namespace, .trash] | map(tostring) | join(\",\")")" \
	"rbd,,false" "items name pool, namespace and trash"
like "$(field ".Items[] | select(.image == \"$clone\") | .id")" '^[0-9a-f]+$' "and the child's id"

# A deleted snapshot that still has (format 2) clones lingers in the
# trash namespace: its children still show, under its old name.
rbd snap rm "rbd/$gold@loose" >/dev/null 2>&1
api GET "$base/$gold/children"
is "$(field ".Items[] | select(.image == \"$v2\") | .snapshot + \" \" + (.snapshot_deleted|tostring)")" \
	"loose true" "a child of a deleted snapshot, marked snapshot_deleted"
is "$(rbd children --all "rbd/$gold" | sort | tr '\n' ' ')" \
	"$(printf 'rbd/%s\n' "$clone" "$opts" "$v2" | sort | tr '\n' ' ')" "rbd children agrees"

api GET "$base/$clone/children"
expect_status 200 "children of an image without snapshots"
is "$(field '.Items | length')" 0 "none"
api GET "$base/nothing-$$/children"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "children of a missing image"

# Across namespaces: format 2 only (format 1 keeps the children list in
# the parent's namespace).
ns=$(unique cns)
rbd namespace create "rbd/$ns"
nsbase=/api/v1/pools/rbd/namespaces/$ns/images
fcgi "$v1_socket" POST $nsbase "{\"name\":\"x$clone\",\"parent\":{$parent}}"
expect_error 409 Conflict "^clone format 1 cannot clone across namespaces \\(rbd/$gold@base into rbd/$ns/x$clone\\)" \
	"format 1 into another namespace"
nsclone=n$clone
fcgi "$EXTRA_SOCKET" POST $nsbase "{\"name\":\"$nsclone\",\"parent\":{$parent}}"
is "$STATUS" 201 "format 2 clones into another namespace"
made+=("$ns/$nsclone")
is "$(header Location)" "$nsbase/$nsclone" "Location in the namespace"
is "$(field '.parent | .pool + "/" + .namespace + "/" + .image')" "rbd//$gold" "the parent in the default namespace"
api GET "$base/$gold/children"
is "$(field "[.Items[] | select(.namespace == \"$ns\") | .image] | join(\",\")")" "$nsclone" \
	"the children list names the child's namespace"

# Copies. Deep (the default): snapshots come along, a clone stays a clone.
deep=$(unique deep)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$deep\"}"
expect_status 201 "a deep copy"
made+=("$deep")
is "$(header Location)" "$base/$deep" "Location names the copy"
is "$(field .name)" "$deep" "an Image named as asked"
is "$(field .snapshot_count)" 1 "with the snapshot"
is "$(rbd snap ls --format json "rbd/$deep" | jq -r '.[].name')" base "rbd snap ls shows it"
is "$(checksum "$deep@base")" "$gold_sum" "the snapshot's data came along"
is "$(checksum "$deep")" "$(checksum "$gold")" "so did the head's"

plain=$(unique plain)
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"namespace\":\"\",\"name\":\"$plain\",\"deep\":false}"
expect_status 201 "a plain copy (deep: false)"
made+=("$plain")
is "$(field .snapshot_count)" 0 "without snapshots"
is "$(checksum "$plain")" "$(checksum "$gold")" "with the head's data"

cdeep=$(unique cdeep)
api POST "$base/$clone/copy" "{\"pool\":\"rbd\",\"name\":\"$cdeep\"}"
expect_status 201 "a deep copy of a clone"
made+=("$cdeep")
is "$(field .parent.image)@$(field .parent.snapshot)" "$gold@base" "is a clone of the same snapshot"
fcgi "$v1_socket" POST "$base/$clone/copy" "{\"pool\":\"rbd\",\"namespace\":\"$ns\",\"name\":\"x$cdeep\"}"
expect_error 409 Conflict "^a deep copy of clone rbd/$clone is a clone too, and clone format 1 cannot clone across namespaces" \
	"format 1: a deep copy of a clone into another namespace"
fcgi "$v1_socket" GET "$nsbase/x$cdeep"
is "$STATUS" 404 "leaves nothing behind"
cplain=$(unique cplain)
api POST "$base/$clone/copy" "{\"pool\":\"rbd\",\"name\":\"$cplain\",\"deep\":false}"
expect_status 201 "a plain copy of a clone"
made+=("$cplain")
is "$(field .parent)" null "stands alone"
is "$(checksum "$cplain")" "$gold_sum" "with all of its data"

api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"$plain\"}"
expect_error 409 Conflict "image rbd/$plain already exists" "a copy onto an existing name"
api POST "$base/$gold/copy" "{\"pool\":\"nopool-$$\",\"name\":\"x$plain\"}"
expect_error 404 NotFound "destination pool nopool-$$ does not exist" "a copy to a missing pool"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"namespace\":\"nons-$$\",\"name\":\"x$plain\"}"
expect_error 404 NotFound "nons-$$" "a copy to a missing namespace"
api POST "$base/nothing-$$/copy" "{\"pool\":\"rbd\",\"name\":\"x$plain\"}"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "a copy of a missing image"
api POST "$base/$gold/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$plain\"}"
expect_error 409 Conflict "image rbd/$plain already exists" "an async copy is checked before it is accepted"
api POST "$base/$gold/copy" "{\"name\":\"x$plain\"}"
expect_error 400 BadRequest 'field "pool" is required' "a copy without a pool"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"x$plain\",\"snapshots\":true}"
expect_error 400 BadRequest 'unknown field "snapshots".*allowed fields: pool, namespace, name, deep' \
	"an unknown copy field"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"a/b\"}"
expect_error 400 BadRequest "field \"name\" in request body: name contains '/'" "a bad copy name"
api POST "$base/$gold/copy" "{\"pool\":\"rbd\",\"name\":\"x$plain\",\"deep\":\"yes\"}"
expect_error 400 BadRequest 'field "deep" in request body must be true or false' "deep that is not a boolean"
ok "$(rbd info "rbd/x$plain" >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "none of them made an image"

# Flatten: the clone gets its own copy of the data and loses its parent.
api POST "$base/$clone/flatten"
expect_status 200 "flatten a clone"
is "$(field .Kind)" Image "answers the Image"
is "$(field .parent)" null "without a parent"
is "$(rbd info --format json "rbd/$clone" | jq -r '.parent // "none"')" none "rbd info agrees"
is "$(checksum "$clone")" "$gold_sum" "the data is all there"
api POST "$base/$clone/flatten"
expect_error 400 BadRequest "image rbd/$clone has no parent to flatten" "flatten it again"
api POST "$base/nothing-$$/flatten"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "flatten a missing image"

# Racing requests take turns: no 5xx.
results=$(mktemp)
racer=$(unique race)
for i in 1 2 3 4 5; do
	(api POST $base "{\"name\":\"$racer\",\"parent\":{$parent}}"; echo "$STATUS" >>"$results") &
done
wait
made+=("$racer")
is "$(sort "$results" | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" "201x1 409x4 " \
	"5 concurrent clones onto one name: one 201, four 409"
: >"$results"
for i in 1 2 3 4; do
	(api POST "$base/$racer/flatten"; echo "$STATUS" >>"$results") &
done
wait
is "$(sort "$results" | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" "200x1 400x3 " \
	"4 concurrent flattens: one 200, the others find no parent"
rm -f "$results"

api POST "$base/$opts/flatten?async=perhaps"
expect_error 400 BadRequest 'async must be true or false' "a bad async value"

cleanup_images
rbd namespace remove "rbd/$ns" >/dev/null 2>&1
done_testing
