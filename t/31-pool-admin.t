#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Pools as a platform team runs them: how full a pool is and how much it
# may grow (its quota), its placement groups and replication, each as the
# ceph CLI shows it; changed through PATCH with every bad value refused
# before the monitor is asked; and a pool at its quota: writes answer 507
# naming the quota and the PATCH that raises it, deletes still work.
. "$(dirname "$0")/lib/test-lib.sh"

pool=$(unique padm)
at_exit "ceph tell mon.\* config set mon_allow_pool_size_one true >/dev/null 2>&1; ceph osd pool delete $pool $pool --yes-i-really-really-mean-it >/dev/null 2>&1"

api POST /api/v1/pools "{\"name\":\"$pool\",\"pg_num\":8}"
expect_status 201 "create a pool"
rbd create "$pool/data" --size 16M >/dev/null 2>&1
rbd bench --io-type write --io-size 1M --io-total 4M "$pool/data" >/dev/null 2>&1

# The manager's statistics reach `ceph df` within a second or two, PG by
# PG: wait until they hold the 4 MiB and stay put.
df_stats() { ceph df detail -f json 2>/dev/null | jq -c --arg p "$pool" '.pools[] | select(.name == $p) | .stats | del(.rd, .rd_bytes, .wr, .wr_bytes)'; }
last=
for i in $(seq 40); do
	now=$(df_stats)
	[ "$(printf '%s' "$now" | jq .stored)" -ge 4194304 ] 2>/dev/null && [ "$now" = "$last" ] && break
	last=$now
	sleep 0.5
done

story "a Pool shows what ceph osd pool get, get-quota and df detail print"
cli=$(ceph osd pool get "$pool" all -f json 2>/dev/null)
api GET "/api/v1/pools/$pool"
expect_status 200 "get the pool"
is "$(field .type)" replicated "type"
for key in size min_size pg_num pg_autoscale_mode crush_rule; do
	is "$(field ".$key")" "$(printf '%s' "$cli" | jq -r ".$key")" "$key as ceph osd pool get says"
done
is "$(field .crush_rule)" replicated_rule "crush_rule by name"
is "$(field '.quota | "\(.max_bytes) \(.max_objects)"')" "0 0" "no quota"
df=$(df_stats)
for key in stored bytes_used objects; do
	is "$(field ".stats.$key")" "$(printf '%s' "$df" | jq -r ".$key")" "stats.$key as ceph df detail says"
done
# What the OSD holds of its own moves a little from one report to the next.
ok "$(awk -v a="$(field .stats.max_avail)" -v b="$(printf '%s' "$df" | jq .max_avail)" \
	'BEGIN { exit !(b > 0 && a / b > 0.999 && a / b < 1.001) }'; echo $?)" "stats.max_avail as ceph df detail says"
ok "$(awk -v a="$(field .stats.percent_used)" -v b="$(printf '%s' "$df" | jq .percent_used)" \
	'BEGIN { exit !(a - b < 0.0001 && b - a < 0.0001) }'; echo $?)" "stats.percent_used as ceph df detail says (a fraction)"
ok "$([ "$(field .stats.stored)" -ge 4194304 ]; echo $?)" "the 4 MiB written are counted"

api GET "/api/v1/pools?detail=true"
is "$(field ".Items[] | select(.name == \"$pool\") | \"\(.size) \(.pg_num) \(.quota.max_bytes) \(.stats.objects)\"")" \
	"$(printf '%s' "$cli" | jq -r '"\(.size) \(.pg_num)"') 0 $(df_stats | jq .objects)" \
	"the detailed list says the same"

# Bad input: a 400 naming the field, before the monitor is asked.
story ""
settings() { ceph osd pool get "$pool" all -f json 2>/dev/null; ceph osd pool get-quota "$pool" -f json 2>/dev/null; }
before=$(settings)
bad() {  # BODY FIELD-REGEX WHAT
	api PATCH "/api/v1/pools/$pool" "$1"
	expect_error 400 BadRequest "$2" "$3"
}
bad '{}' 'nothing to change' "an empty PATCH"
bad '{"pg_num":0}' 'field "pg_num" must be from 1 to 65536' "pg_num 0"
bad '{"pg_num":70000}' 'field "pg_num" must be from 1 to 65536 \(the monitor.s mon_max_pool_pg_num\), not 70000' "pg_num above the monitor's limit"
bad '{"pg_num":-1}' 'pg_num' "negative pg_num"
bad '{"size":0}' 'field "size" must be from 1 to 10, not 0' "size 0"
bad '{"size":11}' 'field "size" must be from 1 to 10, not 11' "size 11"
bad '{"min_size":2}' 'field "min_size" must be from 1 to the pool.s size \(1\), not 2' "min_size above the current size"
bad '{"size":2,"min_size":3}' 'field "min_size" .* \(2, as asked\), not 3' "min_size above the size asked"
bad '{"min_size":0}' 'field "min_size"' "min_size 0"
bad '{"pg_autoscale_mode":"sometimes"}' 'field "pg_autoscale_mode" must be on, off or warn, not "sometimes"' "an unknown autoscale mode"
bad '{"quota":{"max_bytes":-1}}' 'field "max_bytes" in field "quota" must not be negative' "a negative quota"
bad '{"quota":{"max_bytes":"lots"}}' 'field "max_bytes" in field "quota": "lots" is not a size' "a non-numeric quota"
bad '{"quota":{"max_objects":"10"}}' 'field "max_objects" in field "quota" must be a non-negative integer' "max_objects as a string"
bad '{"quota":{"max_files":1}}' 'unknown field "max_files" in field "quota"' "an unknown quota field"
bad '{"quota":{}}' 'field "quota" is empty' "an empty quota"
bad '{"quota":5}' 'field "quota"' "a quota that is not an object"
bad '{"replicas":2}' 'unknown field "replicas"' "an unknown field"
bad '{"quota":{"max_bytes":"1G"},"size":0}' 'field "size"' "a good quota beside a bad size"
is "$(settings)" "$before" "after all of them, nothing changed on the cluster (ceph osd pool get, get-quota)"

story "PATCH changes each setting with the monitor, and answers the new Pool"
api PATCH "/api/v1/pools/$pool" '{"quota":{"max_bytes":"1G","max_objects":1000},"pg_autoscale_mode":"warn","pg_num":16}'
expect_status 200 "change quota, autoscale mode and pg_num"
is "$(field .Kind)" Pool "the answer is the Pool"
is "$(field '"\(.quota.max_bytes) \(.quota.max_objects) \(.pg_autoscale_mode)"')" "1073741824 1000 warn" \
	"with the new quota and mode"
is "$(ceph osd pool get-quota "$pool" -f json | jq -r '"\(.quota_max_bytes) \(.quota_max_objects)"')" \
	"1073741824 1000" "ceph osd pool get-quota agrees"
is "$(ceph osd pool get "$pool" pg_autoscale_mode -f json | jq -r .pg_autoscale_mode)" warn \
	"ceph osd pool get agrees on the mode"
for i in $(seq 40); do
	[ "$(ceph osd pool get "$pool" pg_num -f json | jq .pg_num)" = 16 ] && break
	sleep 0.25
done
is "$(ceph osd pool get "$pool" pg_num -f json | jq .pg_num)" 16 "pg_num reaches 16 (the manager splits the PGs)"
api GET "/api/v1/pools/$pool"
is "$(field .pg_num)" 16 "and the Pool says so"

story "size and min_size, in an order the monitor accepts"
api PATCH "/api/v1/pools/$pool" '{"size":3,"min_size":2}'
expect_status 200 "size 3, min_size 2"
is "$(field '"\(.size) \(.min_size)"')" "3 2" "the answer"
is "$(ceph osd pool get "$pool" size -f json | jq .size) $(ceph osd pool get "$pool" min_size -f json | jq .min_size)" \
	"3 2" "ceph osd pool get agrees"
api PATCH "/api/v1/pools/$pool" '{"size":2,"min_size":1}'
expect_status 200 "size 2, min_size 1 (min_size first)"
is "$(field '"\(.size) \(.min_size)"')" "2 1" "the answer"

story "size 1 needs the monitor's own switch, and its refusal is passed on"
ceph tell 'mon.*' config set mon_allow_pool_size_one false >/dev/null 2>&1
api PATCH "/api/v1/pools/$pool" '{"size":1}'
expect_error 403 Forbidden "pool $pool: nothing changed: the monitor refused to set size: configuring pool size as 1 is disabled by default.*mon_allow_pool_size_one" \
	"size 1 while the monitor forbids it"
is "$(ceph osd pool get "$pool" size -f json | jq .size)" 2 "the size is unchanged"
ceph tell 'mon.*' config set mon_allow_pool_size_one true >/dev/null 2>&1
api PATCH "/api/v1/pools/$pool" '{"size":1}'
expect_status 200 "size 1 once the monitor allows it"
is "$(field '"\(.size) \(.min_size)"')" "1 1" "min_size follows"

story "a refusal of the monitor after a change says what was changed"
api PATCH "/api/v1/pools/$pool" '{"pg_num":60000}'
expect_error 400 BadRequest "pool $pool: nothing changed: the monitor refused to set pg_num: .*mon_max_pg_per_osd" \
	"more PGs than the OSDs may hold"

story "ETag and If-Match, as for images"
api GET "/api/v1/pools/$pool"
tag=$(header ETag)
like "$tag" '^"[0-9a-f]{16}"$' "a Pool has an ETag"
rbd bench --io-type write --io-size 1M --io-total 2M "$pool/data" >/dev/null 2>&1
sleep 2
api GET "/api/v1/pools/$pool"
is "$(header ETag)" "$tag" "usage moving does not change it (stats are not part of it)"
api PATCH "/api/v1/pools/$pool" '{"pg_autoscale_mode":"off"}' -H 'If-Match: "0000000000000000"'
expect_error 412 PreconditionFailed 'does not match' "a stale tag: 412"
is "$(ceph osd pool get "$pool" pg_autoscale_mode -f json | jq -r .pg_autoscale_mode)" warn "and nothing changed"
api PATCH "/api/v1/pools/$pool" '{"pg_autoscale_mode":"off"}' -H "If-Match: $tag"
expect_status 200 "the current tag: changed"
ok "$([ "$(header ETag)" != "$tag" ]; echo $?)" "with a new tag"
ceph osd pool set-quota "$pool" max_objects 999 >/dev/null 2>&1
api GET "/api/v1/pools/$pool"
is "$(field .quota.max_objects)" 999 "a quota set with the ceph CLI shows"

story "authorization: pool changes are the verb pools"
api PATCH "/api/v1/pools/$pool" '{"pg_autoscale_mode":"on"}' -u "$RBD_API_VIEWER"
is "$STATUS" 403 "a viewer may not change a pool"

story "a pool's RBD defaults: what rbd config pool ls lists, set and removed"
api GET "/api/v1/pools/$pool/config"
expect_status 200 "read them"
is "$(field .Kind)" PoolConfig "a PoolConfig"
is "$(field '.options | keys | length')" "$(rbd config pool ls "$pool" --format json | jq length)" \
	"every option rbd config pool ls lists"
is "$(field '.options.rbd_default_order + " " + .sources.rbd_default_order')" \
	"$(rbd config pool get "$pool" rbd_default_order 2>/dev/null || rbd config pool ls "$pool" --format json | jq -r '.[] | select(.name == "rbd_default_order") | .value') config" \
	"rbd_default_order from the configuration"
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_default_features":"layering,exclusive-lock","rbd_default_order":23,"rbd_cache":false}}'
expect_status 200 "set three defaults"
is "$(field '[.options.rbd_default_features, .options.rbd_default_order, .options.rbd_cache, .sources.rbd_default_order] | join(" ")')" \
	"layering,exclusive-lock 23 false pool" "the answer shows them, from the pool"
is "$(rbd config pool get "$pool" rbd_default_features) $(rbd config pool get "$pool" rbd_default_order)" \
	"layering,exclusive-lock 23" "rbd config pool get agrees"
api POST "/api/v1/pools/$pool/images" '{"name":"defaults","size":"16M"}'
expect_status 201 "an image made without features or order"
is "$(field '(.features | join(",")) + " " + (.order | tostring)')" "layering,exclusive-lock 23" \
	"gets the pool's defaults"
api DELETE "/api/v1/pools/$pool/images/defaults"

story "the QoS of a pool is a view of the same overrides"
api PUT "/api/v1/pools/$pool/qos" '{"rbd_qos_iops_limit":100}'
expect_status 200 "a QoS limit through /qos"
api GET "/api/v1/pools/$pool/config"
is "$(field '.options.rbd_qos_iops_limit + " " + .sources.rbd_qos_iops_limit')" "100 pool" "shows in /config"
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_qos_iops_limit":null}}'
expect_status 200 "removed through /config"
api GET "/api/v1/pools/$pool/qos"
is "$(field '"\(.limits.rbd_qos_iops_limit) \(.sources.rbd_qos_iops_limit)"')" "0 config" "gone from /qos"

before=$(rbd config pool ls "$pool" --format json)
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_default_order":22,"rbd_no_such_option":1}}'
expect_error 400 BadRequest 'unknown option "rbd_no_such_option" in field "options"' "an unknown option"
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_default_order":22,"rbd_cache":"sometimes"}}'
expect_error 400 BadRequest 'option "rbd_cache" in field "options": librbd refuses the value "sometimes"; nothing changed' \
	"a value librbd refuses"
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_default_order":22,"rbd_default_features":"layering,bogus"}}'
expect_error 400 BadRequest 'option "rbd_default_features" .* refuses the value "layering,bogus"' "an unknown feature"
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_default_order":[22]}}'
expect_error 400 BadRequest 'option "rbd_default_order" in field "options" must be a string, an integer, a boolean or null' \
	"a value of the wrong JSON type"
api PUT "/api/v1/pools/$pool/config" '{"options":{}}'
expect_error 400 BadRequest 'field "options" is empty' "no options"
api PUT "/api/v1/pools/$pool/config" '{"rbd_default_order":22}'
expect_error 400 BadRequest 'unknown field "rbd_default_order"' "options outside \"options\""
is "$(rbd config pool ls "$pool" --format json)" "$before" "none of them changed anything (rbd config pool ls)"
api PUT "/api/v1/pools/$pool/config" '{"options":{"rbd_default_order":22}}' -u "$RBD_API_VIEWER"
is "$STATUS" 403 "a viewer may not change them"

# The quota story. The monitor flags a pool full a second or two after
# the manager reports it over its quota, and clears the flag as late.
quota_full() {  # POOL: 0 once flagged full_quota
	ceph osd dump -f json 2>/dev/null |
		jq -e --arg p "$1" '.pools[] | select(.pool_name == $p) | .flags_names | test("full_quota")' >/dev/null
}
wait_quota() {  # POOL full|clear
	local i
	for i in $(seq 60); do
		if [ "$2" = full ]; then quota_full "$1" && return 0; else quota_full "$1" || return 0; fi
		sleep 0.5
	done
	return 1
}
q=$(unique pquota)
at_exit "ceph osd pool delete $q $q --yes-i-really-really-mean-it >/dev/null 2>&1"

story "a pool at its quota: a write answers 507 naming the quota and the PATCH that raises it"
api POST /api/v1/pools "{\"name\":\"$q\",\"pg_num\":8}"
expect_status 201 "a pool of the team's"
api POST "/api/v1/pools/$q/images" '{"name":"fill","size":"64M"}'
expect_status 201 "an image to fill it"
api POST "/api/v1/pools/$q/images" '{"name":"spare","size":"4M"}'
expect_status 201 "and an empty one"
api PATCH "/api/v1/pools/$q" '{"quota":{"max_bytes":"4M"}}'
expect_status 200 "a 4 MiB quota"
is "$(field .quota.max_bytes)" 4194304 "the answer shows it"
timeout 30 rbd bench --io-type write --io-size 1M --io-total 16M "$q/fill" >/dev/null 2>&1
wait_quota "$q" full
ok $? "the monitor flags the pool full (ceph osd dump: full_quota)"
api POST "/api/v1/pools/$q/images" '{"name":"more","size":"1M"}'
expect_error 507 InsufficientStorage "creating image $q/more failed: Disk quota exceeded.*pool $q is over its quota \(max_bytes 4194304\): raise it with PATCH /api/v1/pools/$q \{\"quota\": \{\"max_bytes\"" \
	"a create at the quota"
rbd info "$q/more" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "nothing was created"

story "at the quota, deletes still work (the pool's trash object exists)"
api DELETE "/api/v1/pools/$q/images/spare"
expect_status 204 "delete an image at the quota"
rbd info "$q/spare" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "it is gone"
quota_full "$q"
ok $? "the pool is still at its quota"

story "raised through the API, writes work again"
api PATCH "/api/v1/pools/$q" '{"quota":{"max_bytes":"1G"}}'
expect_status 200 "raise the quota to 1 GiB"
wait_quota "$q" clear
ok $? "the monitor clears the flag"
api POST "/api/v1/pools/$q/images" '{"name":"more","size":"1M"}'
expect_status 201 "creating works again"
timeout 30 rbd bench --io-type write --io-size 1M --io-total 4M "$q/more" >/dev/null 2>&1
ok $? "and writing"
api DELETE "/api/v1/pools/$q/images/fill"
expect_status 204 "delete the filled image"
is "$(rbd ls "$q" | tr '\n' ' ')" "more " "what is left"

# A pool made with the CLI, its quota set with the CLI and reached before
# any image was ever deleted in it: it has no trash object, and a pool at
# its quota cannot get one, so librbd cannot record a removal (it would
# report "No such file or directory").
c=$(unique pcli)
at_exit "ceph osd pool delete $c $c --yes-i-really-really-mean-it >/dev/null 2>&1"
story "a delete Ceph cannot record answers 507 saying so, never \"does not exist\""
ceph osd pool create "$c" 8 >/dev/null 2>&1 && rbd pool init "$c" >/dev/null 2>&1
rbd create "$c/img" --size 64M >/dev/null 2>&1
ceph osd pool set-quota "$c" max_bytes 4194304 >/dev/null 2>&1
timeout 30 rbd bench --io-type write --io-size 1M --io-total 16M "$c/img" >/dev/null 2>&1
wait_quota "$c" full
ok $? "the pool is at its quota"
api DELETE "/api/v1/pools/$c/images/img"
expect_error 507 InsufficientStorage "deleting image $c/img failed: Ceph cannot record a removal in pool $c while it is at its quota.*nothing was deleted.*raise it with PATCH /api/v1/pools/$c" \
	"the delete"
rbd info "$c/img" >/dev/null 2>&1
ok $? "the image is still there"
api PATCH "/api/v1/pools/$c" '{"quota":{"max_bytes":0}}'
expect_status 200 "lift the quota through the API"
wait_quota "$c" clear
api DELETE "/api/v1/pools/$c/images/img"
expect_status 204 "then the delete works"

done_testing
