#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Images: create, read, list, resize, rename and delete, as a platform
# team does for its volumes, checked against the rbd CLI.
. "$(dirname "$0")/lib/test-lib.sh"

img=$(unique vol)
base=/api/v1/pools/rbd/images

story create
api POST $base "{\"name\":\"$img\",\"size\":\"1G\"}"
expect_status 201 "create a 1G image"
is "$(header Location)" "$base/$img" "Location names it"
is "$(field .Kind)" Image "an Image"
is "$(field .name)" "$img" "name"
is "$(field .pool)" rbd "pool"
is "$(field .namespace)" "" "default namespace"
is "$(field .size)" 1073741824 "size in bytes"
is "$(field .object_size)" 4194304 "default object size"
is "$(field .order)" 22 "order"
is "$(field .num_objects)" 256 "num_objects"
is "$(field .format)" 2 "format 2"
like "$(field .id)" '^[0-9a-f]+$' "an id"
like "$(field .block_name_prefix)" '^rbd_data\.' "block_name_prefix"
like "$(field '.features | join(",")')" 'layering' "default features include layering"
is "$(field '.op_features | length')" 0 "no op_features"
is "$(field '.flags | length')" 0 "no flags"
is "$(field .parent)" null "no parent"
is "$(field .snapshot_count)" 0 "no snapshots"
like "$(field .create_timestamp)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "RFC 3339 create time"
like "$(field .modify_timestamp)" 'Z$' "modify time"
like "$(field .access_timestamp)" 'Z$' "access time"
is "$(field 'has("data_pool")')" false "no data_pool unless set"
is "$(rbd info --format json "rbd/$img" | jq -r .size)" 1073741824 "rbd info agrees on the size"

api POST $base "{\"name\":\"$img\",\"size\":\"2G\"}"
expect_error 409 Conflict "image rbd/$img already exists" "the same name again"

opt=$(unique opts)
api POST $base "{\"name\":\"$opt\",\"size\":1048576,\"object_size\":\"1M\",\"features\":[\"layering\",\"exclusive-lock\",\"object-map\",\"fast-diff\"],\"stripe_unit\":\"64K\",\"stripe_count\":4}"
expect_status 201 "create with object size, features and striping"
is "$(field .object_size)" 1048576 "object size 1M"
is "$(field '.features | sort | join(",")')" "exclusive-lock,fast-diff,layering,object-map,striping" \
	"the features asked for (and striping)"
info=$(rbd info --format json "rbd/$opt")
is "$(jq -r .stripe_unit <<<"$info")/$(jq -r .stripe_count <<<"$info")" 65536/4 "rbd info shows the striping"

api GET "$base/$img"
expect_status 200 "get the image"
is "$(field .size)" 1073741824 "same size"
api HEAD "$base/$img"
expect_status 200 "HEAD of an image"
api HEAD "$base/nothing-$$"
expect_status 404 "HEAD of a missing image"
api GET "$base/nothing-$$"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "GET of a missing image"

api GET $base
expect_status 200 "list images"
is "$(field .Kind)" ImageList "an ImageList"
is "$(field '.Items | map(select(.name == "'"$img"'")) | length')" 1 "lists the image"
is "$(field '.Items[0] | keys | join(",")')" name "items are names"

api GET "$base?detail=true"
expect_status 200 "list images in detail"
is "$(field '.Items[] | select(.name == "'"$img"'") | .size')" 1073741824 "detail items are full Images"

# Resize: grow freely, shrink only when asked.
story resize
api PATCH "$base/$img" '{"size":"2G"}'
expect_status 200 "grow to 2G"
is "$(field .size)" 2147483648 "the new size"
is "$(rbd info --format json "rbd/$img" | jq -r .size)" 2147483648 "rbd agrees"
api PATCH "$base/$img" '{"size":"1G"}'
expect_error 400 BadRequest 'would discard 1073741824 bytes.*allow_shrink' "shrink without allow_shrink"
is "$(rbd info --format json "rbd/$img" | jq -r .size)" 2147483648 "nothing shrank"
api PATCH "$base/$img" '{"size":"1G","allow_shrink":true}'
expect_status 200 "shrink with allow_shrink"
is "$(field .size)" 1073741824 "shrunk to 1G"
api PATCH "$base/$img" '{"allow_shrink":true}'
expect_error 400 BadRequest 'only goes with "size"' "allow_shrink alone"
api PATCH "$base/$img" '{}'
expect_error 400 BadRequest 'nothing to change' "an empty patch"
api PATCH "$base/nothing-$$" '{"size":"1G"}'
expect_error 404 NotFound "does not exist" "resize a missing image"

# Rename.
story rename
api PATCH "$base/$img" "{\"name\":\"$opt\"}"
expect_error 409 Conflict "$opt already exists" "rename onto an existing image"
api PATCH "$base/$img" "{\"name\":\"$img-renamed\",\"size\":\"3G\"}"
expect_status 200 "rename and resize at once"
is "$(field .name)" "$img-renamed" "the new name"
is "$(field .size)" 3221225472 "the new size"
rbd info "rbd/$img" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the old name is gone"

# Delete: refused while snapshots exist or a client has it open.
story delete
rbd snap create "rbd/$img-renamed@keep" >/dev/null 2>&1
api DELETE "$base/$img-renamed"
expect_error 409 Conflict 'has 1 snapshot \(keep\)' "delete with a snapshot"
rbd snap rm "rbd/$img-renamed@keep" >/dev/null 2>&1

# A watcher: a client that keeps the image open, like a mapped VM disk.
rbd bench --io-type write --io-size 4K --io-total 400M --io-threads 1 "rbd/$img-renamed" >/dev/null 2>&1 &
bench=$!
locker() { rbd lock ls --format json "rbd/$img-renamed" 2>/dev/null | jq -c '[.[].locker]'; }
for i in $(seq 50); do
	rbd status --format json "rbd/$img-renamed" 2>/dev/null | jq -e '.watchers | length > 0' >/dev/null &&
		[ "$(locker)" != "[]" ] && break
	sleep 0.1
done
holder=$(locker)
like "$holder" 'client\.[0-9]+' "the writing client holds the exclusive lock"
api DELETE "$base/$img-renamed"
expect_error 409 Conflict 'is open by 1 client \(client\.[0-9]+ at ' "delete while a client has it open"
is "$(locker)" "$holder" "the refused delete left the client its exclusive lock"
# A client that does not answer (stopped) is still a client.
kill -STOP "$bench"
api DELETE "$base/$img-renamed"
expect_error 409 Conflict 'is open by 1 client \(client\.[0-9]+ at ' "delete while a stopped client has it open"
kill -CONT "$bench"
is "$(locker)" "$holder" "the stopped client still holds its lock"
kill "$bench" 2>/dev/null
wait "$bench" 2>/dev/null

api DELETE "$base/$img-renamed"
expect_status 204 "delete"
api GET "$base/$img-renamed"
expect_status 404 "it is gone"
api DELETE "$base/$img-renamed"
expect_error 404 NotFound "does not exist" "delete again is 404"
api DELETE "$base/$opt"
expect_status 204 "delete the other"

# Pagination: every image exactly once, in name order, page by page.
story pagination
pg=$(unique page)
for i in $(seq -w 1 25); do
	rbd create --size 1M "rbd/$pg-$i" &
done
wait
seen=()
token=
for page in 1 2 3 4 5 6 7 8; do
	api GET "$base?detail=true&limit=10${token:+&continue=$token}"
	[ "$STATUS" = 200 ] || break
	mapfile -t names < <(field '.Items[].name')
	seen+=("${names[@]}")
	token=$(field '.Continue // empty')
	[ -n "$token" ] || break
done
expect_status 200 "pages of 10 load"
mine=$(printf '%s\n' "${seen[@]}" | grep -c "^$pg-")
is "$mine" 25 "all 25 images appear"
is "$(printf '%s\n' "${seen[@]}" | sort | uniq -d | wc -l)" 0 "none twice"
is "$(printf '%s\n' "${seen[@]}" | LC_ALL=C sort -c 2>&1 && echo sorted)" sorted "in name order"
for i in $(seq -w 1 25); do rbd rm "rbd/$pg-$i" >/dev/null 2>&1 & done
wait

story "kept listings"
# Workers keep the last listing they read while the directory is
# unchanged: a change made behind the service's back shows at once, on
# whichever worker answers.
lone=$(unique behind)
listed() {
	local n=0
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
		api GET "$base"
		field '.Items[].name' | grep -qx "$lone" && n=$((n + 1))
	done
	echo "$n"
}
is "$(listed)" 0 "not listed before it exists (and the workers that answered keep that listing)"
rbd create --size 1M "rbd/$lone" >/dev/null 2>&1
is "$(listed)" 12 "created with the rbd CLI: listed by every answer"
rbd rename "rbd/$lone" "rbd/$lone-2" >/dev/null 2>&1
is "$(listed)" 0 "renamed with the rbd CLI: the old name is gone from every answer"
rbd rm "rbd/$lone-2" >/dev/null 2>&1

done_testing
