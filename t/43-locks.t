#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Locks: the dead VM's volume. A hypervisor (here `rbd bench`) has an
# image open with the exclusive-lock feature and dies (kill -9); its
# client still holds librbd's lock. The operator lists the lock, is told
# the holder still watches the image, breaks the lock with force (its
# address is blocklisted first), and a new client writes. Then advisory
# locks taken and released through the API, and every 4xx.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
img=$(unique locked)
api POST $base "{\"name\":\"$img\",\"size\":\"64M\",\"features\":[\"layering\",\"exclusive-lock\"]}"
expect_status 201 "create an image with exclusive-lock"
at_exit "api DELETE '$base/$img'"

## The dead client's lock

story "a writer holds librbd's lock, then dies"
# Slow writes (5 IOPS) for far longer than the test: it is killed.
rbd bench --io-type write --io-size 4K --io-threads 1 --io-total 10G --rbd_qos_iops_limit 5 \
	"rbd/$img" >/dev/null 2>&1 &
bench=$!
at_exit "kill -9 $bench 2>/dev/null"
for _ in $(seq 60); do
	api GET "$base/$img/locks"
	[ "$(field '.Items | length')" = 1 ] && break
	sleep 0.5
done
is "$(field '.Items[0].type')" exclusive-lock "the API lists librbd's exclusive lock"
client=$(field '.Items[0].client')
cookie=$(field '.Items[0].cookie')
address=$(field '.Items[0].address')
like "$cookie" '^auto ' "its cookie"
is "$(rbd lock ls --format json "rbd/$img" | jq -r '.[0].locker + " " + .[0].address')" \
	"$client $address" "rbd lock ls shows the same holder"
at_exit "ceph osd blocklist rm '$address' >/dev/null 2>&1"
lock_path="$base/$img/locks/$(jq -rn --arg c "$cookie" '$c | @uri')"

api DELETE "$lock_path?client=$client"
expect_error 409 Conflict "$client at .* still has image rbd/$img open .*force=true" \
	"refused while the holder is alive"
kill -9 $bench
wait $bench 2>/dev/null
api DELETE "$lock_path?client=$client"
expect_error 409 Conflict "still has image rbd/$img open" \
	"still refused just after it died: its watch lives until it times out"
api GET "$base/$img/locks"
is "$(field '.Items | length')/$(field '.Items[0].client')" "1/$client" "the lock is still held"

story "the operator breaks it"
api DELETE "$lock_path?client=$client&force=true"
expect_status 200 "broken with force"
is "$(field .Kind)/$(field .blocklisted)" LockBreak/true "its holder was blocklisted"
is "$(field .lock.client)/$(field .lock.cookie)/$(field .lock.address)" "$client/$cookie/$address" \
	"the answer names the lock as it was held"
ceph osd blocklist ls 2>/dev/null | grep -qF "$address"
ok $? "ceph osd blocklist ls shows the dead client's address"
api GET "$base/$img/locks"
is "$(field '.Items | length')" 0 "no lock left"
api GET "$base/$img/watchers"
is "$(field '.Items | length')" 0 "and no watcher: the blocklist dropped its watch"
timeout 60 rbd bench --io-type write --io-size 4M --io-threads 1 --io-total 4M "rbd/$img" >/dev/null 2>&1
ok $? "a new client opens the image read-write and writes"
ceph osd blocklist rm "$address" >/dev/null 2>&1
ceph osd blocklist ls 2>/dev/null | grep -qF "$address"
ok $((!$?)) "the blocklist entry is removed after"
story ""

## Advisory locks

story "an advisory lock taken with the CLI, broken without force"
rbd lock add "rbd/$img" backup
cli_client=$(rbd lock ls --format json "rbd/$img" | jq -r '.[0].locker')
api DELETE "$base/$img/locks/backup?client=$cli_client"
expect_status 200 "broken: nobody watches the image"
is "$(field .lock.type)/$(field .blocklisted)" advisory/false "an advisory lock's holder is not blocklisted by default"
is "$(rbd lock ls --format json "rbd/$img" | jq length)" 0 "rbd lock ls shows nothing"
story ""

story "an exclusive advisory lock taken through the API"
api POST "$base/$img/locks" '{"cookie":"maintenance"}'
expect_status 201 "taken"
is "$(field .Kind)/$(field .type)/$(field .exclusive)/$(field .cookie)" Lock/advisory/true/maintenance \
	"a Lock: advisory, exclusive"
api_client=$(field .client)
like "$(header Location)" "/images/$img/locks/maintenance\?client=$api_client\$" "Location names it and its holder"
is "$(rbd lock ls --format json "rbd/$img" | jq -r '.[0].id + " " + .[0].locker')" \
	"maintenance $api_client" "rbd lock ls shows it, held by this service's client"
api POST "$base/$img/locks" '{"cookie":"other"}'
expect_error 409 Conflict "image rbd/$img is locked \(advisory, an exclusive lock, cookie \"maintenance\"" \
	"a second lock is refused, naming the holder"
api DELETE "$base/$img/locks/maintenance?client=$api_client"
expect_status 200 "released"
is "$(field .blocklisted)" false "without blocklisting this service's own client"
api GET "$base/$img/locks"
is "$(field '.Items | length')" 0 "gone"
story ""

story "shared locks"
api POST "$base/$img/locks" '{"cookie":"reader-1","exclusive":false,"tag":"readers"}'
expect_status 201 "one shared lock"
c1=$(field .client)
api POST "$base/$img/locks" '{"cookie":"reader-2","exclusive":false,"tag":"readers"}'
expect_status 201 "a second one with the same tag"
c2=$(field .client)
api POST "$base/$img/locks" '{"cookie":"reader-3","exclusive":false,"tag":"writers"}'
expect_error 409 Conflict "is locked" "another tag is refused"
api GET "$base/$img/locks"
is "$(field '[.Items[] | .cookie + ":" + .tag + ":" + (.exclusive|tostring)] | sort | join(",")')" \
	"reader-1:readers:false,reader-2:readers:false" "both listed"
api DELETE "$base/$img/locks/reader-1?client=$c1"
expect_status 200 "one released"
api DELETE "$base/$img/locks/reader-2?client=$c2"
expect_status 200 "the other released"
story ""

## 4xx

api POST "$base/$img/locks" '{}'
expect_error 400 BadRequest 'cookie' "POST without a cookie"
api POST "$base/$img/locks" '{"cookie":""}'
expect_error 400 BadRequest 'field "cookie" must be 1 to 128 characters' "an empty cookie"
api POST "$base/$img/locks" '{"cookie":"auto 123"}'
expect_error 400 BadRequest 'field "cookie" must not begin with "auto "' "librbd's cookie"
api POST "$base/$img/locks" '{"cookie":"x","tag":"t"}'
expect_error 400 BadRequest 'field "tag" goes with "exclusive": false' "a tag on an exclusive lock"
api POST "$base/$img/locks" '{"cookie":"x","exclusive":false}'
expect_error 400 BadRequest 'field "tag" is required for a shared lock' "a shared lock without a tag"
api POST "$base/$img/locks" '{"cookie":"x","exclusive":false,"tag":"internal"}'
expect_error 400 BadRequest 'field "tag" must not be "internal"' "librbd's tag"
api POST "$base/$img/locks" '{"cookie":"x","color":"red"}'
expect_error 400 BadRequest 'color' "an unknown field"
api POST "$base/$img/locks" '{"cookie":7}'
expect_error 400 BadRequest 'cookie' "a cookie that is not a string"
api POST "$base/nothing-$$/locks" '{"cookie":"x"}'
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "POST on a missing image"

api DELETE "$base/$img/locks/backup"
expect_error 400 BadRequest 'query parameter "client" is required' "DELETE without client"
api DELETE "$base/$img/locks/backup?client=4168"
expect_error 400 BadRequest 'query parameter "client" must be client.<number>' "a client that is not client.N"
api DELETE "$base/$img/locks/backup?client=client.1&force=maybe"
expect_error 400 BadRequest 'force' "force that is not a boolean"
api DELETE "$base/$img/locks/backup?client=client.1&blocklist=maybe"
expect_error 400 BadRequest 'blocklist' "blocklist that is not a boolean"
api DELETE "$base/$img/locks/backup?client=client.1"
expect_error 404 NotFound "image rbd/$img has no lock \"backup\" held by client.1" "a lock nobody holds"
rbd lock add "rbd/$img" backup
cli_client=$(rbd lock ls --format json "rbd/$img" | jq -r '.[0].locker')
api DELETE "$base/$img/locks/backup?client=client.1"
expect_error 404 NotFound "the lock \"backup\" of image rbd/$img is held by $cli_client, not client.1" \
	"the wrong holder"
rbd lock rm "rbd/$img" backup "$cli_client"
api DELETE "$base/nothing-$$/locks/backup?client=client.1"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "DELETE on a missing image"

## In a namespace

ns=$(unique lockns)
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$ns\"}"
api POST "/api/v1/pools/rbd/namespaces/$ns/images" '{"name":"disk","size":"8M"}'
nsimg=/api/v1/pools/rbd/namespaces/$ns/images/disk
api POST "$nsimg/locks" '{"cookie":"n1"}'
expect_status 201 "a lock on an image in a namespace"
nsclient=$(field .client)
is "$(rbd lock ls --format json --namespace "$ns" rbd/disk | jq -r '.[0].id')" n1 "rbd lock ls in the namespace"
api DELETE "$nsimg/locks/n1?client=$nsclient"
expect_status 200 "released"
api DELETE "$nsimg"
api DELETE "/api/v1/pools/rbd/namespaces/$ns"

done_testing
