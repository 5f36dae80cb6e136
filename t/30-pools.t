#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Pools: list, inspect, create for RBD, and delete only when confirmed.
. "$(dirname "$0")/lib/test-lib.sh"

pool=$(unique pool)

api GET /api/v1/pools
expect_status 200 "list pools"
is "$(field .Kind)" PoolList "a PoolList"
is "$(field '.Items | map(select(.name == "rbd")) | length')" 1 "rbd is listed"
is "$(field '.Items[0] | keys | join(",")')" name "items carry just the name"

api GET "/api/v1/pools?detail=true"
expect_status 200 "list pools in detail"
is "$(field '.Items[] | select(.name == "rbd") | .applications | join(",")')" rbd \
	"detail shows applications"

api GET /api/v1/pools/rbd
expect_status 200 "get pool rbd"
is "$(field .Kind)" Pool "a Pool"
like "$(field .id)" '^[0-9]+$' "with its id"
like "$(field .stats.bytes_used)" '^[0-9]+$' "bytes used"
like "$(field .stats.objects)" '^[0-9]+$' "objects"

api GET /api/v1/pools/nopool-$$
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing pool"
api GET /api/v1/pools/nopool-$$/images
expect_error 404 NotFound "pool nopool-$$ does not exist" "images of a missing pool"

api POST /api/v1/pools "{\"name\":\"$pool\",\"pg_num\":8}"
expect_status 201 "create a pool"
is "$(field .name)" "$pool" "named as asked"
is "$(header Location)" "/api/v1/pools/$pool" "Location of the new pool"
is "$(field '.applications | join(",")')" rbd "with the rbd application enabled"
ceph osd pool application get "$pool" 2>/dev/null | jq -e '.rbd' >/dev/null
ok $? "the cluster agrees: application rbd"
rados -p "$pool" stat rbd_info >/dev/null 2>&1
ok $? "and the pool is initialised for RBD (rbd_info exists)"

api POST /api/v1/pools "{\"name\":\"$pool\"}"
expect_error 409 Conflict "pool $pool already exists" "creating it again"
api POST /api/v1/pools '{"name":"p","pg_num":0}'
expect_error 400 BadRequest 'pg_num' "pg_num 0"
api POST /api/v1/pools '{"name":"p","pg_num":-3}'
expect_error 400 BadRequest 'pg_num' "negative pg_num"
api POST /api/v1/pools '{"name":"p","size":3}'
expect_error 400 BadRequest 'unknown field "size"' "an unknown field"
api POST /api/v1/pools "{\"name\":\"$pool-big\",\"pg_num\":30000}"
expect_error 400 BadRequest "pg_num|exceed" "more PGs than the cluster allows names the limit"
ceph osd pool ls | grep -qx "$pool-big"
ok "$([ $? -ne 0 ]; echo $?)" "and no pool was created"

api DELETE "/api/v1/pools/$pool"
expect_error 400 BadRequest "repeat its name to confirm: \\?confirm=$pool" "delete without confirm"
api DELETE "/api/v1/pools/$pool?confirm=other"
expect_error 400 BadRequest "confirm" "delete with the wrong confirm"
api DELETE "/api/v1/pools/$pool?confrim=$pool"
expect_error 400 BadRequest 'unknown query parameter "confrim"' "a misspelt confirm"
ceph osd pool ls | grep -qx "$pool"
ok $? "the pool is still there"

api DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_status 204 "delete with confirm"
is "$BODY" "" "no body on 204"
ceph osd pool ls | grep -qx "$pool"
ok "$([ $? -ne 0 ]; echo $?)" "the pool is gone"
api GET "/api/v1/pools/$pool"
expect_error 404 NotFound "does not exist" "and answers 404"
codes=""
for i in $(seq 12); do api GET "/api/v1/pools/$pool"; codes+="$STATUS "; done
is "$codes" "$(printf '404 %.0s' $(seq 12))" "from every worker, at once (each catches up with the OSD map)"
api DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_error 404 NotFound "does not exist" "deleting it again is 404"

# A pool deleted and re-created under the same name is found afresh by
# every worker (their cached io contexts must not point at the old one).
api POST /api/v1/pools "{\"name\":\"$pool\",\"pg_num\":8}"
expect_status 201 "re-create the pool"
for i in 1 2 3 4 5 6 7 8; do
	api GET "/api/v1/pools/$pool/images"
	[ "$STATUS" = 200 ] || break
done
expect_status 200 "every worker lists the re-created pool"
api DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_status 204 "and delete it"

# Only RBD pools: a CephFS (or RGW, or untagged) pool is not ours to delete.
fs=$(unique fspool)
ceph osd pool create "$fs" 8 >/dev/null 2>&1
ceph osd pool application enable "$fs" cephfs >/dev/null 2>&1
api DELETE "/api/v1/pools/$fs?confirm=$fs"
expect_error 403 Forbidden "pool $fs is not an RBD pool \(applications: cephfs\)" \
	"a CephFS pool cannot be deleted here"
ceph osd pool ls | grep -qx "$fs"
ok $? "it is still there"
ceph osd pool delete "$fs" "$fs" --yes-i-really-really-mean-it >/dev/null 2>&1

done_testing
