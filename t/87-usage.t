#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage and clients: an operator asks how much of a thin volume is
# written (with and without fast-diff, with snapshots), who has it open,
# and who holds its lock; checked against `rbd du`, `rbd status` and
# `rbd lock ls`. Every 4xx of the three routes.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
img=$(unique du)
api POST $base "{\"name\":\"$img\",\"size\":\"64M\",\"features\":[\"layering\",\"exclusive-lock\",\"object-map\",\"fast-diff\"]}"
expect_status 201 "create a thin image with fast-diff"

api GET "$base/$img/du"
expect_status 200 "usage of a new image"
is "$(field .Kind)/$(field .APIVersion)" DiskUsage/v1 "a DiskUsage"
is "$(field .pool)/$(field .namespace)/$(field .image)" "rbd//$img" "names the image"
is "$(field .provisioned_bytes)" 67108864 "provisioned: the size"
is "$(field .used_bytes)/$(field .total_used_bytes)" 0/0 "nothing written"
is "$(field .fast_diff)" true "measured from the fast-diff map"
is "$(field '.snapshots | length')" 0 "no snapshots"

# Two whole 4 MiB objects written.
rbd bench --io-type write --io-size 4M --io-threads 1 --io-total 8M "rbd/$img" >/dev/null 2>&1
api GET "$base/$img/du"
is "$(field .used_bytes)" 8388608 "8 MiB used after writing two objects"
is "$(rbd du --format json "rbd/$img" | jq -r '.images[-1].used_size')" "$(field .used_bytes)" "rbd du agrees"

# A snapshot, then one of the objects rewritten.
rbd snap create "rbd/$img@before" >/dev/null 2>&1
rbd bench --io-type write --io-size 4M --io-threads 1 --io-total 4M "rbd/$img" >/dev/null 2>&1
api GET "$base/$img/du"
expect_status 200 "usage with a snapshot"
is "$(field '.snapshots | length')" 1 "one snapshot"
is "$(field '.snapshots[0].name')" before "its name"
is "$(field '.snapshots[0].provisioned_bytes')/$(field '.snapshots[0].used_bytes')" 67108864/8388608 \
	"the snapshot holds the two objects"
is "$(field .used_bytes)" 4194304 "the image: what changed since the snapshot"
is "$(field .total_used_bytes)" 12582912 "total: image and snapshots"
du=$(rbd du --format json "rbd/$img")
is "$(jq -r '[.images[].used_size] | join(",")' <<<"$du")" \
	"$(field '[.snapshots[].used_bytes, .used_bytes] | map(tostring) | join(",")')" "rbd du agrees, line by line"

# Without an object map librbd reads the objects: same answer, slower.
slow=$(unique slow)
api POST $base "{\"name\":\"$slow\",\"size\":\"64M\",\"features\":[\"layering\"]}"
rbd bench --io-type write --io-size 4M --io-threads 1 --io-total 12M "rbd/$slow" >/dev/null 2>&1
api GET "$base/$slow/du"
expect_status 200 "usage without fast-diff"
is "$(field .fast_diff)" false "says it is not from a fast-diff map"
is "$(field .used_bytes)" 12582912 "12 MiB used"
is "$(rbd du --format json "rbd/$slow" 2>/dev/null | jq -r '.images[-1].used_size')" 12582912 "rbd du agrees"
api PATCH "$base/$slow" '{"features":{"enable":["exclusive-lock","object-map"]}}'
api GET "$base/$slow/du"
is "$(field .fast_diff)/$(field .used_bytes)" false/12582912 \
	"an object map enabled later is not trusted until rebuilt; same answer"
api DELETE "$base/$slow"

## Watchers and locks

api GET "$base/$img/watchers"
expect_status 200 "watchers of an image nobody has open"
is "$(field .Kind)/$(field '.Items | length')" WatcherList/0 "an empty WatcherList (this service does not count)"
api GET "$base/$img/locks"
expect_status 200 "locks of an idle image"
is "$(field .Kind)/$(field '.Items | length')" LockList/0 "an empty LockList"

# A librbd client writing slowly (5 IOPS, about 15 s) holds a watch and
# the exclusive lock.
rbd bench --io-type write --io-size 4K --io-threads 1 --io-total 320K --rbd_qos_iops_limit 5 \
	"rbd/$img" >/dev/null 2>&1 &
bench=$!
for _ in $(seq 60); do
	api GET "$base/$img/locks"
	[ "$(field '.Items | length')" = 1 ] && break
	sleep 0.5
done
is "$(field '.Items[0].type')/$(field '.Items[0].exclusive')" exclusive-lock/true "a writer holds librbd's exclusive lock"
lock_client=$(field '.Items[0].client')
like "$(field '.Items[0].cookie')" '^auto ' "its cookie"
api GET "$base/$img/watchers"
expect_status 200 "watchers of an image in use"
is "$(field '.Items | length')" 1 "one watcher"
is "client.$(field '.Items[0].client_id')" "$lock_client" "the lock holder"
status=$(rbd status --format json "rbd/$img")
is "$(jq -r '.watchers[0].address' <<<"$status")" "$(field '.Items[0].address')" "rbd status shows the same address"
is "$(jq -r '.watchers[0].client' <<<"$status")" "$(field '.Items[0].client_id')" "and client"
wait $bench
ok $? "the writer finishes"
api GET "$base/$img/watchers"
is "$(field '.Items | length')" 0 "no watcher once it has closed the image"

# Advisory locks, as `rbd lock add` takes them.
rbd lock add --shared backup-tag "rbd/$img" nightly
api GET "$base/$img/locks"
expect_status 200 "a shared advisory lock"
is "$(field '.Items[0] | [.type, .exclusive, .tag, .cookie] | map(tostring) | join(",")')" \
	"advisory,false,backup-tag,nightly" "type, shared, tag and cookie"
is "$(field '.Items[0].client')" "$(rbd lock ls --format json "rbd/$img" | jq -r '.[0].locker')" "rbd lock ls names the same client"
like "$(field '.Items[0].address')" '.:' "and an address"
rbd lock rm "rbd/$img" nightly "$(field '.Items[0].client')"
api GET "$base/$img/locks"
is "$(field '.Items | length')" 0 "gone after rbd lock rm"

## 4xx

for sub in du watchers locks; do
	api GET "$base/nothing-$$/$sub"
	expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "$sub of a missing image"
	api GET "/api/v1/pools/nopool-$$/images/$img/$sub"
	expect_error 404 NotFound "pool nopool-$$ does not exist" "$sub in a missing pool"
	[ "$sub" = locks ] && continue   # POST .../locks takes a lock: t/43-locks.t
	api POST "$base/$img/$sub" '{}'
	expect_error 405 MethodNotAllowed '' "POST on $sub"
done

## In a namespace

ns=$(unique duns)
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$ns\"}"
api POST "/api/v1/pools/rbd/namespaces/$ns/images" '{"name":"disk","size":"8M"}'
nsimg=/api/v1/pools/rbd/namespaces/$ns/images/disk
api GET "$nsimg/du"
expect_status 200 "usage of an image in a namespace"
is "$(field .namespace)/$(field .provisioned_bytes)" "$ns/8388608" "names the namespace"
api GET "$nsimg/watchers"
expect_status 200 "its watchers"
api GET "$nsimg/locks"
expect_status 200 "its locks"
api GET "/api/v1/pools/rbd/namespaces/$ns/images/nothing/du"
expect_error 404 NotFound "image rbd/$ns/nothing does not exist" "a missing image in the namespace"
api DELETE "$nsimg"
api DELETE "/api/v1/pools/rbd/namespaces/$ns"

rbd snap rm "rbd/$img@before" >/dev/null 2>&1
api DELETE "$base/$img"
expect_status 204 "clean up"
done_testing
