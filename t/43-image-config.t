#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# An image's librbd options: an operator turns the cache off on one
# volume, reads where every option's value comes from (the image, the
# pool, the configuration), sees the QoS view agree, removes the overrides
# again; checked against `rbd config image ls`. Every 4xx.
. "$(dirname "$0")/lib/test-lib.sh"

pool=rbd
base=/api/v1/pools/$pool/images
img=$(unique conf)
api POST $base "{\"name\":\"$img\",\"size\":\"16M\"}"
expect_status 201 "create an image"
at_exit "rbd rm $pool/$img >/dev/null 2>&1"

# "name value source" lines, sorted, from the CLI and from an answer.
# The rbd CLI turns rbd_cache_writethrough_until_flush off for itself
# (it never flushes as a guest would), so that one line is not compared.
cli_list() {
	rbd config image ls "$pool/$img" --format json |
		jq -r '.[] | select(.name != "rbd_cache_writethrough_until_flush") | "\(.name) \(.value) \(.source)"' | sort
}
api_list() {
	printf '%s' "$BODY" | jq -r '.sources as $s | .options | to_entries[] | select(.key != "rbd_cache_writethrough_until_flush") | "\(.key) \(.value) \($s[.key])"' | sort
}

story "every option of an image, with its source, as rbd config image ls lists them"
api GET "$base/$img/config"
expect_status 200 "read them"
is "$(field .Kind)/$(field .APIVersion)" ImageConfig/v1 "an ImageConfig"
is "$(field .pool)/$(field .namespace)/$(field .image)" "$pool//$img" "names the image"
is "$(field '.options | keys | length')" "$(rbd config image ls "$pool/$img" --format json | jq length)" \
	"every option rbd config image ls lists"
is "$(api_list)" "$(cli_list)" "the same values and sources"
is "$(field '[.sources[]] | unique | join(",")')" config "nothing overridden yet"

story "set overrides: the CLI sees them, the answer says image"
api PUT "$base/$img/config" '{"options":{"rbd_cache":false,"rbd_read_from_replica_policy":"balance","rbd_qos_iops_limit":500}}'
expect_status 200 "set three options"
is "$(field '[.options.rbd_cache, .options.rbd_read_from_replica_policy, .options.rbd_qos_iops_limit] | join(" ")')" \
	"false balance 500" "the answer shows the new values"
is "$(field '[.sources.rbd_cache, .sources.rbd_read_from_replica_policy, .sources.rbd_qos_iops_limit] | join(" ")')" \
	"image image image" "from the image"
is "$(rbd config image get "$pool/$img" rbd_cache) $(rbd config image get "$pool/$img" rbd_read_from_replica_policy)" \
	"false balance" "rbd config image get agrees"
is "$(rbd image-meta get "$pool/$img" conf_rbd_cache)" false "stored as conf_ image metadata"
is "$(api_list)" "$(cli_list)" "the listing matches rbd config image ls"
api GET "$base/$img/qos"
is "$(field '"\(.limits.rbd_qos_iops_limit) \(.sources.rbd_qos_iops_limit)"')" "500 image" \
	"the QoS view shows the same override"

story "a pool's override shows as pool; the image's wins over it"
rbd config pool set "$pool" rbd_cache_max_dirty_age 2.5 >/dev/null
at_exit "rbd config pool rm $pool rbd_cache_max_dirty_age >/dev/null 2>&1"
rbd config pool set "$pool" rbd_cache true >/dev/null
at_exit "rbd config pool rm $pool rbd_cache >/dev/null 2>&1"
api GET "$base/$img/config"
is "$(field '.options.rbd_cache_max_dirty_age + " " + .sources.rbd_cache_max_dirty_age')" "2.5 pool" \
	"the pool's override, source pool"
is "$(field '.options.rbd_cache + " " + .sources.rbd_cache')" "false image" "the image's override wins"
is "$(api_list)" "$(cli_list)" "the listing matches rbd config image ls"
rbd config pool rm "$pool" rbd_cache_max_dirty_age >/dev/null
rbd config pool rm "$pool" rbd_cache >/dev/null

story "null removes one override; a value set with the CLI shows"
api PUT "$base/$img/config" '{"options":{"rbd_qos_iops_limit":null}}'
expect_status 200 "remove one override"
is "$(field '.sources.rbd_qos_iops_limit')" config "back to the configuration"
is "$(field '.sources.rbd_cache')" image "the others stay"
rbd image-meta get "$pool/$img" conf_rbd_qos_iops_limit >/dev/null 2>&1
ok $((! $?)) "the metadata key is gone"
api PUT "$base/$img/config" '{"options":{"rbd_qos_iops_limit":null}}'
expect_status 200 "removing an override that is not there is fine"
rbd config image set "$pool/$img" rbd_readahead_max_bytes 1048576
api GET "$base/$img/config"
is "$(field '.options.rbd_readahead_max_bytes + " " + .sources.rbd_readahead_max_bytes')" "1048576 image" \
	"set with rbd config image set"

story "bad inputs: 400 naming the field, nothing changed"
before=$(cli_list)
api PUT "$base/$img/config" '{"options":{"rbd_cache":true,"rbd_no_such_option":1}}'
expect_error 400 BadRequest 'unknown option "rbd_no_such_option" in field "options": librbd has no such option an image can set' \
	"an unknown option"
api PUT "$base/$img/config" '{"options":{"rbd_cache":true,"rbd_clone_copy_on_read":"sometimes"}}'
expect_error 400 BadRequest 'option "rbd_clone_copy_on_read" in field "options": librbd refuses the value "sometimes"; nothing changed' \
	"a value librbd refuses"
api PUT "$base/$img/config" '{"options":{"rbd_cache":[true]}}'
expect_error 400 BadRequest 'option "rbd_cache" in field "options" must be a string, an integer, a boolean or null \(to remove the image.s override\)' \
	"a value of the wrong JSON type"
api PUT "$base/$img/config" '{"options":{}}'
expect_error 400 BadRequest 'field "options" is empty' "no options"
api PUT "$base/$img/config" '{"rbd_cache":true}'
expect_error 400 BadRequest 'unknown field "rbd_cache"' "options outside \"options\""
api PUT "$base/$img/config" '{"options":"rbd_cache=true"}'
expect_error 400 BadRequest 'field "options"' "options not an object"
is "$(cli_list)" "$before" "none of them changed anything (rbd config image ls)"
api PUT "$base/no-such-image-$$/config" '{"options":{"rbd_cache":true}}'
expect_error 404 NotFound "image $pool/no-such-image-$$ does not exist" "an image that does not exist"
api GET "$base/no-such-image-$$/config"
expect_error 404 NotFound "image $pool/no-such-image-$$ does not exist" "GET of one that does not exist"

story "authorization: reading is read, changing is qos (admin)"
api GET "$base/$img/config" "" -u "$RBD_API_VIEWER"
expect_status 200 "a viewer may read them"
api PUT "$base/$img/config" '{"options":{"rbd_cache":true}}' -u "$RBD_API_VIEWER"
is "$STATUS" 403 "a viewer may not change them"
api DELETE "$base/$img/config" "" -u "$RBD_API_VIEWER"
is "$STATUS" 403 "nor remove them"
tns=${RBD_API_TENANT_SCOPE#*/}
timg=$(unique conf)
api POST "/api/v1/pools/$pool/namespaces/$tns/images" "{\"name\":\"$timg\",\"size\":\"4M\"}" -u "$RBD_API_TENANT"
expect_status 201 "an operator creates an image in its namespace"
api GET "/api/v1/pools/$pool/namespaces/$tns/images/$timg/config" "" -u "$RBD_API_TENANT"
is "$STATUS $(field .namespace)" "200 $tns" "and reads its options, in the namespace"
api PUT "/api/v1/pools/$pool/namespaces/$tns/images/$timg/config" '{"options":{"rbd_qos_iops_limit":0}}' -u "$RBD_API_TENANT"
is "$STATUS" 403 "but may not lift a QoS cap by this route either"
api PUT "/api/v1/pools/$pool/namespaces/$tns/images/$timg/config" '{"options":{"rbd_cache":false}}'
expect_status 200 "an admin sets an option in a namespace"
is "$(rbd config image get "$pool/$tns/$timg" rbd_cache)" false "rbd config image get agrees"
api DELETE "/api/v1/pools/$pool/namespaces/$tns/images/$timg"
expect_status 204 "clean up the namespace's image"

story "DELETE removes every override and nothing else"
rbd image-meta set "$pool/$img" owner team-a
api DELETE "$base/$img/config"
expect_status 204 "remove them all"
is "$(rbd config image ls "$pool/$img" --format json | jq -r '[.[] | select(.source == "image")] | length')" 0 \
	"rbd config image ls shows no image override"
is "$(rbd image-meta get "$pool/$img" owner)" team-a "other metadata stays"
api GET "$base/$img/config"
is "$(field '[.sources[]] | unique | join(",")')" config "all from the configuration again"
api DELETE "$base/$img/config"
expect_status 204 "removing none is fine too"

api DELETE "$base/$img"
expect_status 204 "clean up"
done_testing
