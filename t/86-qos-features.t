#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# QoS and features: an operator caps a noisy volume's IOPS and bandwidth,
# sets a default for a whole pool, sees librbd obey the cap, and switches
# an old volume's features on and off, with messages that say what a
# feature needs; checked against `rbd config` and `rbd info`. Every 4xx.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
img=$(unique qos)
api POST $base "{\"name\":\"$img\",\"size\":\"64M\",\"features\":[\"layering\",\"exclusive-lock\"]}"
expect_status 201 "create an image"

## QoS of an image

api GET "$base/$img/qos"
expect_status 200 "read the QoS of an image"
is "$(field .Kind)/$(field .APIVersion)" QoS/v1 "a QoS"
is "$(field .pool)/$(field .namespace)/$(field .image)" "rbd//$img" "names the image"
is "$(field '.limits | keys | length')" 12 "12 limits: iops, bps, read/write variants, each _limit and _burst"
is "$(field '[.limits[]] | unique | join(",")')" 0 "all unlimited (0)"
is "$(field '[.sources[]] | unique | join(",")')" config "from the Ceph configuration"

api PUT "$base/$img/qos" '{"rbd_qos_iops_limit":10,"rbd_qos_bps_limit":"10M","rbd_qos_write_bps_burst":"20MiB","rbd_qos_read_iops_limit":0}'
expect_status 200 "cap IOPS and bandwidth"
is "$(field .limits.rbd_qos_iops_limit)" 10 "iops limit"
is "$(field .limits.rbd_qos_bps_limit)" 10485760 "bps limit from a size string"
is "$(field .limits.rbd_qos_write_bps_burst)" 20971520 "write bps burst"
is "$(field .sources.rbd_qos_iops_limit)" image "set on the image"
is "$(field .sources.rbd_qos_read_iops_limit)" image "an explicit 0 is an image override too"
is "$(field .sources.rbd_qos_bps_burst)" config "what was not named is untouched"
is "$(rbd config image get "rbd/$img" rbd_qos_iops_limit)" 10 "rbd config image get agrees"
is "$(rbd image-meta get "rbd/$img" conf_rbd_qos_bps_limit)" 10485760 "stored as conf_ image metadata"

# librbd (here the rbd CLI) obeys the cap: 40 writes at 10 IOPS take
# about 3 s (the first 10 are the burst); a loaded machine only slows it.
start=$(date +%s%N)
rbd bench --io-type write --io-size 4K --io-threads 1 --io-total 160K "rbd/$img" >/dev/null 2>&1
ok $? "rbd bench runs on the capped image"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 2000 ]
ok $? "40 writes at 10 IOPS take over 2 s (took $ms ms)"

api PUT "$base/$img/qos" '{"rbd_qos_iops_limit":null,"rbd_qos_read_iops_limit":null}'
expect_status 200 "null removes an override"
is "$(field .limits.rbd_qos_iops_limit)/$(field .sources.rbd_qos_iops_limit)" 0/config "back to the configuration"
is "$(field .limits.rbd_qos_bps_limit)" 10485760 "the other overrides stay"
rbd image-meta get "rbd/$img" conf_rbd_qos_iops_limit >/dev/null 2>&1
ok $((! $?)) "the metadata key is gone"
api PUT "$base/$img/qos" '{"rbd_qos_iops_limit":null}'
expect_status 200 "removing an override that is not there is fine"

## QoS of a pool, in a pool of its own so other tests' I/O is not capped

pool=$(unique qospool)
api POST /api/v1/pools "{\"name\":\"$pool\",\"pg_num\":8}"
expect_status 201 "create a pool"
api GET "/api/v1/pools/$pool/qos"
expect_status 200 "read the QoS of a pool"
is "$(field .Kind)/$(field .pool)" "QoS/$pool" "a QoS naming the pool"
is "$(field 'has("image")')" false "no image"
api PUT "/api/v1/pools/$pool/qos" '{"rbd_qos_write_iops_limit":500,"rbd_qos_write_iops_burst":1000}'
expect_status 200 "set a pool default"
is "$(field .limits.rbd_qos_write_iops_limit)/$(field .sources.rbd_qos_write_iops_limit)" 500/pool "set on the pool"
is "$(rbd config pool get "$pool" rbd_qos_write_iops_limit)" 500 "rbd config pool get agrees"
api POST "/api/v1/pools/$pool/images" '{"name":"vm","size":"4M"}'
api GET "/api/v1/pools/$pool/images/vm/qos"
is "$(field .limits.rbd_qos_write_iops_limit)/$(field .sources.rbd_qos_write_iops_limit)" 500/pool \
	"an image of the pool inherits it"
api PUT "/api/v1/pools/$pool/images/vm/qos" '{"rbd_qos_write_iops_limit":0}'
is "$(field .limits.rbd_qos_write_iops_limit)/$(field .sources.rbd_qos_write_iops_limit)" 0/image \
	"an image override (0 = unlimited) wins over the pool"
is "$(field .limits.rbd_qos_write_iops_burst)/$(field .sources.rbd_qos_write_iops_burst)" 1000/pool \
	"the rest still from the pool"
api PUT "/api/v1/pools/$pool/qos" '{"rbd_qos_write_iops_limit":null}'
expect_status 200 "remove the pool default"
is "$(field .sources.rbd_qos_write_iops_limit)" config "gone from the pool"
api DELETE "/api/v1/pools/$pool/images/vm"
api DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_status 204 "clean up the pool"

## QoS 4xx

for path in "$base/$img/qos" "/api/v1/pools/rbd/qos"; do
	api PUT "$path" '{}'
	expect_error 400 BadRequest 'nothing to change' "an empty PUT on $path"
done
api PUT "$base/$img/qos" '{"rbd_qos_iops_limt":5}'
expect_error 400 BadRequest 'unknown field "rbd_qos_iops_limt"' "a misspelt key"
api PUT "$base/$img/qos" '{"rbd_qos_iops_limit":"10K"}'
expect_error 400 BadRequest 'rbd_qos_iops_limit.*integer' "a size string for an IOPS limit"
api PUT "$base/$img/qos" '{"rbd_qos_bps_limit":-1}'
expect_error 400 BadRequest 'rbd_qos_bps_limit' "a negative limit"
api PUT "$base/$img/qos" '{"rbd_qos_bps_limit":"ten"}'
expect_error 400 BadRequest 'rbd_qos_bps_limit' "a limit that is not a size"
api PUT "$base/$img/qos" '{"rbd_qos_bps_limit":true}'
expect_error 400 BadRequest 'rbd_qos_bps_limit' "a boolean limit"
api PUT "$base/$img/qos" '{"rbd_qos_bps_limit":1}' -H 'Content-Type: text/plain'
expect_error 415 UnsupportedMediaType '' "not JSON"
api PUT "$base/$img/qos" '[1]'
expect_error 400 BadRequest '' "not an object"
api GET "$base/nothing-$$/qos"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "GET on a missing image"
api PUT "$base/nothing-$$/qos" '{"rbd_qos_iops_limit":1}'
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "PUT on a missing image"
api GET "/api/v1/pools/nopool-$$/qos"
expect_error 404 NotFound "pool nopool-$$ does not exist" "GET on a missing pool"
api PUT "/api/v1/pools/nopool-$$/qos" '{"rbd_qos_iops_limit":1}'
expect_error 404 NotFound "pool nopool-$$ does not exist" "PUT on a missing pool"
api DELETE "$base/$img/qos"
expect_error 405 MethodNotAllowed '' "DELETE on qos"

## Features

api PATCH "$base/$img" '{"features":{"enable":["object-map"]}}'
expect_status 200 "enable object-map (exclusive-lock is there)"
is "$(field '.features | join(",")')" "layering,exclusive-lock,object-map,fast-diff" \
	"librbd enables fast-diff with it"
like "$(rbd info "rbd/$img" | grep features:)" 'object-map, fast-diff' "rbd info agrees"

api PATCH "$base/$img" '{"features":{"disable":["exclusive-lock"]}}'
expect_error 400 BadRequest \
	'cannot disable exclusive-lock on image rbd/.* and keep object-map \(object-map requires exclusive-lock\): disable object-map, fast-diff too' \
	"disabling what others need says what else must go"
api PATCH "$base/$img" '{"features":{"disable":["fast-diff"]}}'
expect_status 200 "disable fast-diff"
is "$(field '.features | join(",")')" "layering,exclusive-lock" "object-map goes with it"

api PATCH "$base/$img" '{"features":{"enable":["journaling","object-map"]}}'
expect_status 200 "enable journaling and object-map at once"
is "$(field '.features | sort | join(",")')" "exclusive-lock,fast-diff,journaling,layering,object-map" "all there"
api PATCH "$base/$img" '{"features":{"enable":["journaling"]}}'
expect_status 200 "enabling what is enabled is fine"

api PATCH "$base/$img" '{"features":{"disable":["exclusive-lock"]}}'
expect_error 400 BadRequest 'disable object-map, fast-diff, journaling too' \
	"journaling needs exclusive-lock too"

# An advisory lock keeps librbd from taking the image's lock: a 409.
rbd lock add "rbd/$img" maint
api PATCH "$base/$img" '{"features":{"disable":["journaling"]}}'
expect_error 409 Conflict "image rbd/$img has an advisory lock \\(cookie \"maint\".*rbd lock rm" \
	"an advisory lock is named, with how to release it"
locker=$(rbd lock ls --format json "rbd/$img" | jq -r '.[0].locker')
rbd lock rm "rbd/$img" maint "$locker"

api PATCH "$base/$img" '{"features":{"disable":["exclusive-lock","journaling","object-map","deep-flatten"]}}'
expect_status 200 "disable them all in one request, in any order"
is "$(field '.features | join(",")')" layering "layering left"
is "$(rbd info --format json "rbd/$img" | jq -r '.features | join(",")')" layering "rbd info agrees"

api PATCH "$base/$img" '{"features":{"enable":["object-map"]}}'
expect_error 400 BadRequest 'object-map requires exclusive-lock: enable exclusive-lock too or first' \
	"object-map without exclusive-lock"
api PATCH "$base/$img" '{"features":{"enable":["journaling"]}}'
expect_error 400 BadRequest 'journaling requires exclusive-lock: enable exclusive-lock too or first' \
	"journaling without exclusive-lock"

api PATCH "$base/$img" '{"size":"128M","features":{"enable":["exclusive-lock","fast-diff"]}}'
expect_status 200 "features and a resize in one PATCH"
is "$(field .size)" 134217728 "resized"
is "$(field '.features | join(",")')" "layering,exclusive-lock,object-map,fast-diff" "and features on"

## Features 4xx (nothing changes)

api PATCH "$base/$img" '{"features":{"disable":["layering"]}}'
expect_error 400 BadRequest 'layering cannot be disabled on an existing image' "disable layering"
api PATCH "$base/$img" '{"features":{"enable":["striping"]}}'
expect_error 400 BadRequest 'striping cannot be enabled on an existing image, only chosen when an image is created' \
	"enable striping"
api PATCH "$base/$img" '{"features":{"enable":["data-pool"]}}'
expect_error 400 BadRequest 'data-pool cannot be enabled' "enable data-pool"
api PATCH "$base/$img" '{"features":{"disable":["data-pool"]}}'
expect_error 400 BadRequest 'data-pool cannot be disabled' "disable data-pool"
api PATCH "$base/$img" '{"features":{"enable":["deep-flatten"]}}'
expect_error 400 BadRequest 'deep-flatten cannot be enabled' "enable deep-flatten"
api PATCH "$base/$img" '{"features":{"enable":["turbo"]}}'
expect_error 400 BadRequest 'unknown feature "turbo" in "enable"; known features: layering' "an unknown name"
api PATCH "$base/$img" '{"features":{"enable":["journaling"],"disable":["journaling"]}}'
expect_error 400 BadRequest 'journaling both in "enable" and in "disable"' "in both lists"
api PATCH "$base/$img" '{"features":{"enable":["fast-diff"],"disable":["object-map"]}}'
expect_error 400 BadRequest 'both in "enable" and in "disable"' "the pair split across the lists"
api PATCH "$base/$img" '{"features":{}}'
expect_error 400 BadRequest 'nothing to change' "an empty features object"
api PATCH "$base/$img" '{"features":{"enable":[]}}'
expect_error 400 BadRequest 'nothing to change' "an empty list"
api PATCH "$base/$img" '{"features":["journaling"]}'
expect_error 400 BadRequest '"features"' "features as a list"
api PATCH "$base/$img" '{"features":{"enable":"journaling"}}'
expect_error 400 BadRequest '"enable" in field "features" must be an array of strings' "enable as a string"
api PATCH "$base/$img" '{"features":{"enabel":["journaling"]}}'
expect_error 400 BadRequest 'unknown field "enabel" in field "features"' "a misspelt list"
api PATCH "$base/nothing-$$" '{"features":{"enable":["journaling"]}}'
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "a missing image"
is "$(rbd info --format json "rbd/$img" | jq -r '.features | join(",")')" \
	"layering,exclusive-lock,object-map,fast-diff" "none of them changed anything"

## In a namespace

ns=$(unique qosns)
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$ns\"}"
nsimg=/api/v1/pools/rbd/namespaces/$ns/images/disk
api POST "/api/v1/pools/rbd/namespaces/$ns/images" '{"name":"disk","size":"4M","features":["layering"]}'
api PUT "$nsimg/qos" '{"rbd_qos_bps_limit":"1M"}'
expect_status 200 "QoS of an image in a namespace"
is "$(field .namespace)/$(field .limits.rbd_qos_bps_limit)" "$ns/1048576" "names the namespace"
is "$(rbd config image get --namespace "$ns" rbd/disk rbd_qos_bps_limit)" 1048576 "rbd config agrees"
api PATCH "$nsimg" '{"features":{"enable":["exclusive-lock"]}}'
expect_status 200 "features of an image in a namespace"
is "$(field '.features | join(",")')" "layering,exclusive-lock" "enabled"
api DELETE "$nsimg"
api DELETE "/api/v1/pools/rbd/namespaces/$ns"

api DELETE "$base/$img"
expect_status 204 "clean up"
done_testing
