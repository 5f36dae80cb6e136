#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Erasure-coded data pools: a pool made through the API with "type":
# "erasure" holds the data of images whose header stays in a replicated
# pool (data_pool). An EC pool with k=2 m=1 and failure domain osd needs
# three OSDs: on a private cluster of three memstore OSDs (t/lib/
# cluster.sh, CLUSTER_OSDS=3; the shared one keeps its single OSD for
# speed), with a daemon of the test's own, spoken to over FastCGI.
. "$(dirname "$0")/lib/test-lib.sh"

private=$(mktemp -d /tmp/rbd-rest-api-ec.XXXXXX)
_t_extra_dirs+=("$private")
mkdir -p "$private/cluster"
if ! CLUSTER_OSDS=3 CLUSTER_MEMSTORE_BYTES=1073741824 cluster_start "$private/cluster" >"$private/start.log" 2>&1; then
	ok 1 "the private cluster of three OSDs starts"
	cat "$private/start.log" | sed 's/^/# /'
	done_testing
	exit 1
fi
at_exit 'daemon_stop "$private/daemon"; cluster_stop "$private/cluster"'
conf=$private/cluster/ceph.conf
ceph() { timeout 60 ceph -c "$conf" "$@"; }
rbd() { timeout 60 rbd -c "$conf" "$@"; }
rados() { timeout 60 rados -c "$conf" "$@"; }
daemon_start "$private/daemon" "$conf" workers=2 rados_timeout=10
call() { fcgi "$DAEMON_SOCKET" "$@"; }

is "$(ceph osd stat -f json | jq .num_up_osds)" 3 "three OSDs are up"
ceph osd erasure-code-profile set k2m1 k=2 m=1 crush-failure-domain=osd >/dev/null 2>&1

story "POST /api/v1/pools with type erasure: overwrites allowed, application rbd"
call POST /api/v1/pools '{"name":"ecdata","type":"erasure","erasure_code_profile":"k2m1","pg_num":8}'
is "$STATUS" 201 "create an erasure-coded pool"
is "$(field '[.type, .erasure_code_profile, (.applications | join(","))] | join(" ")')" "erasure k2m1 rbd" \
	"type, profile and application"
cli=$(ceph osd pool get ecdata all -f json)
is "$(printf '%s' "$cli" | jq -r '[.erasure_code_profile, .allow_ec_overwrites] | map(tostring) | join(" ")')" \
	"k2m1 true" "ceph osd pool get: the profile, allow_ec_overwrites true"
is "$(field '"\(.size) \(.min_size) \(.pg_num) \(.crush_rule)"')" \
	"$(printf '%s' "$cli" | jq -r '"\(.size) \(.min_size) \(.pg_num) \(.crush_rule)"')" \
	"size (k+m), min_size, pg_num and crush rule as the CLI says"
ceph osd pool application get ecdata 2>/dev/null | jq -e '.rbd' >/dev/null
ok $? "the cluster agrees: application rbd"

story "an image with data_pool keeps its data there"
call POST /api/v1/pools/rbd/images '{"name":"vm","size":"64M","data_pool":"ecdata"}'
is "$STATUS" 201 "create an image in rbd with its data in ecdata"
is "$(rbd info rbd/vm --format json | jq -r .data_pool)" ecdata "rbd info shows the data pool"
call GET /api/v1/pools/rbd/images/vm
is "$STATUS" 200 "the image reads back"
like "$(field .block_name_prefix)" '^rbd_data\.[0-9]+\.[0-9a-f]+$' "with the data pool's block name prefix"
rbd bench --io-type write --io-size 1M --io-total 8M rbd/vm >/dev/null 2>&1
ok $? "8 MiB written to it"
like "$(rados -p ecdata ls | grep -c '^rbd_data\.')" '^[1-9][0-9]*$' "the data objects are in ecdata (rados -p ecdata ls)"
is "$(rados -p rbd ls | grep -c '^rbd_data\.')" 0 "none in rbd"
ok "$(rados -p rbd stat "rbd_id.vm" >/dev/null 2>&1; echo $?)" "the image's own objects are in rbd"
call DELETE /api/v1/pools/rbd/images/vm
is "$STATUS" 204 "delete the image"
is "$(rados -p ecdata ls | grep -c '^rbd_data\.')" 0 "its data is gone from ecdata"

story "the cluster's default profile when none is named"
call POST /api/v1/pools '{"name":"ecdefault","type":"erasure","pg_num":8}'
is "$STATUS" 201 "create one without a profile"
is "$(field .erasure_code_profile)" default "with the cluster's default profile"
call DELETE /api/v1/pools/ecdefault?confirm=ecdefault
is "$STATUS" 204 "and delete it"

pools_before=$(ceph osd pool ls)
call POST /api/v1/pools '{"name":"ecbad","type":"erasure","erasure_code_profile":"nope"}'
expect_error 400 BadRequest 'field "erasure_code_profile": the cluster has no profile "nope" \(it has: default, k2m1\)' \
	"a profile that does not exist"
call POST /api/v1/pools '{"name":"ecbad","type":"mirrored"}'
expect_error 400 BadRequest 'field "type" must be replicated or erasure, not "mirrored"' "an unknown type"
call POST /api/v1/pools '{"name":"ecbad","erasure_code_profile":"k2m1"}'
expect_error 400 BadRequest 'field "erasure_code_profile" is for "type": "erasure" only' \
	"a profile for a replicated pool"
is "$(ceph osd pool ls)" "$pools_before" "none of them made a pool"

story "an erasure-coded pool under PATCH: a quota yes, another size no"
call PATCH /api/v1/pools/ecdata '{"quota":{"max_bytes":"1G"}}'
is "$STATUS" 200 "a quota on the EC pool"
is "$(field .quota.max_bytes)" 1073741824 "shows"
call PATCH /api/v1/pools/ecdata '{"size":4}'
is "$STATUS" 400 "a size other than k+m"
like "$(field .message)" "pool ecdata: nothing changed: the monitor refused to set size: .*erasure" \
	"the monitor's words"
is "$(ceph osd pool get ecdata size -f json | jq .size)" 3 "the size is unchanged"

story "a replicated pool as before, by type too"
call POST /api/v1/pools '{"name":"rep","type":"replicated","pg_num":8}'
is "$STATUS" 201 "type replicated"
is "$(field .type)" replicated "is replicated"
call DELETE /api/v1/pools/ecdata?confirm=ecdata
is "$STATUS" 204 "the EC pool deletes like any RBD pool"

done_testing
