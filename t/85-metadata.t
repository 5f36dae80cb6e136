#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Image metadata: an operator tags a volume with key/value pairs (owner,
# ticket, a librbd option override), reads and changes them, pages
# through many, removes them; checked against `rbd image-meta` and
# `rbd config image`. Every 4xx of the metadata routes.
. "$(dirname "$0")/lib/test-lib.sh"

img=$(unique meta)
base=/api/v1/pools/rbd/images
meta=$base/$img/metadata

api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 201 "create an image"

api GET "$meta"
expect_status 200 "list the metadata of a new image"
is "$(field .Kind)/$(field .APIVersion)" MetadataList/v1 "a MetadataList"
is "$(field '.Items | length')" 0 "no pairs yet"

api PUT "$meta/owner" '{"value":"team-a"}'
expect_status 201 "set a new key"
is "$(header Location)" "$meta/owner" "Location names the key"
is "$(field .Kind)" MetadataEntry "a MetadataEntry"
is "$(field .key)=$(field .value)" owner=team-a "key and value"
is "$(rbd image-meta get "rbd/$img" owner)" team-a "rbd image-meta get agrees"

api PUT "$meta/owner" '{"value":"team-b"}'
expect_status 200 "set an existing key: 200, not 201"
is "$(header Location)" "" "no Location when replacing"
is "$(rbd image-meta get "rbd/$img" owner)" team-b "the value is replaced"

api GET "$meta/owner"
expect_status 200 "get a key"
is "$(field .key)=$(field .value)" owner=team-b "its value"

# Keys and values that need care on the way through.
api PUT "$meta/change%20ticket" '{"value":"ünïcødé ✓ \"quoted\""}'
expect_status 201 "a key with a space (percent-encoded)"
is "$(header Location)" "$meta/change%20ticket" "Location percent-encodes it"
is "$(rbd image-meta get "rbd/$img" 'change ticket')" 'ünïcødé ✓ "quoted"' "UTF-8 value stored as is"
api GET "$meta/change%20ticket"
is "$(field .value)" 'ünïcødé ✓ "quoted"' "and read back as is"
api PUT "$meta/empty" '{"value":""}'
expect_status 201 "an empty value"
api GET "$meta/empty"
is "$(field .value)" "" "is kept empty"

rbd image-meta set "rbd/$img" from-cli yes
api GET "$meta/from-cli"
is "$(field .value)" yes "a key set with the CLI is seen"

# librbd's own options as "conf_" keys.
api PUT "$meta/conf_rbd_cache" '{"value":"false"}'
expect_status 201 "override an RBD option (conf_rbd_cache)"
is "$(rbd config image get "rbd/$img" rbd_cache)" false "rbd config image get shows the override"
api PUT "$meta/conf_rbd_cache" '{"value":"maybe"}'
expect_error 400 BadRequest 'conf_rbd_cache.*"rbd_cache" is not one or "maybe" is not a valid value' \
	"an invalid value for an option"
api PUT "$meta/conf_no_such_option" '{"value":"1"}'
expect_error 400 BadRequest 'override an RBD configuration option' "an option that does not exist"

api GET "$meta"
is "$(field '[.Items[].key] | join(",")')" "change ticket,conf_rbd_cache,empty,from-cli,owner" \
	"the list has every pair, in key order"
is "$(field '.Items[] | select(.key == "owner") | .value')" team-b "with values"

# More pairs than this service asks librbd for in one call (64).
pages=$(unique pages)
api POST $base "{\"name\":\"$pages\",\"size\":\"4M\"}"
failed=0
for i in $(seq -w 1 70); do
	api PUT "$base/$pages/metadata/k$i" "{\"value\":\"v$i\"}"
	[ "$STATUS" = 201 ] || failed=$((failed + 1))
done
is "$failed" 0 "70 keys set"
api GET "$base/$pages/metadata"
expect_status 200 "list 70 keys"
is "$(field '.Items | length')" 70 "all 70, across two pages"
is "$(field '[.Items[].key] | unique | length')" 70 "each once"
is "$(field '.Items[69].key + "=" + .Items[69].value')" k70=v70 "the last one"
api DELETE "$base/$pages"

api DELETE "$meta/owner"
expect_status 204 "delete a key"
is "$BODY" "" "no body"
rbd image-meta get "rbd/$img" owner >/dev/null 2>&1
ok $((! $?)) "rbd image-meta no longer has it"

# Every 4xx.
api DELETE "$meta/owner"
expect_error 404 NotFound "image rbd/$img has no metadata key \"owner\"" "delete a missing key"
api GET "$meta/owner"
expect_error 404 NotFound "image rbd/$img has no metadata key \"owner\"" "get a missing key"
api PUT "$meta/k" '{}'
expect_error 400 BadRequest '"value"' "PUT without a value"
api PUT "$meta/k" '{"value":7}'
expect_error 400 BadRequest '"value"' "a value that is not a string"
api PUT "$meta/k" '{"value":"x","vaule":"y"}'
expect_error 400 BadRequest 'unknown field "vaule"' "an unknown field"
api PUT "$meta/k" '{"value":"a\u0000b"}'
expect_error 400 BadRequest 'NUL' "a value with a NUL character"
api PUT "$meta/k" '{"value":"x"}' -H 'Content-Type: text/plain'
expect_error 415 UnsupportedMediaType '' "a body that is not JSON"
api PUT "$meta/k" '{"value":'
expect_error 400 BadRequest '' "malformed JSON"
long=$(printf 'k%.0s' $(seq 251))
api PUT "$meta/$long" '{"value":"x"}'
expect_error 400 BadRequest '1 to 250 bytes long, not 251' "a key over 250 bytes"
api GET "$meta/a%01b"
expect_error 400 BadRequest 'byte 0x01 at offset 1' "a key with a control character"
api PUT "$meta/a%2Fb" '{"value":"x"}'
expect_error 400 BadRequest "without '/'" "a key with a slash"
api DELETE "$meta/a%7Fb"
expect_error 400 BadRequest 'byte 0x7f' "a key with DEL, on DELETE"
api POST "$meta/k" '{"value":"x"}'
expect_error 405 MethodNotAllowed '' "POST on a key"
like "$(header Allow)" 'PUT' "Allow names PUT"

for m in "GET $base/nothing-$$/metadata" "GET $base/nothing-$$/metadata/k" \
	"PUT $base/nothing-$$/metadata/k" "DELETE $base/nothing-$$/metadata/k"; do
	api "${m% *}" "${m#* }" '{"value":"x"}'
	expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "${m% *} on a missing image"
done
api GET "/api/v1/pools/nopool-$$/images/$img/metadata"
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing pool"

# The same routes in a namespace.
ns=$(unique metans)
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$ns\"}"
nsimages=/api/v1/pools/rbd/namespaces/$ns/images
api POST "$nsimages" '{"name":"disk","size":"4M"}'
api PUT "$nsimages/disk/metadata/tenant" '{"value":"blue"}'
expect_status 201 "set a key on an image in a namespace"
is "$(header Location)" "$nsimages/disk/metadata/tenant" "Location under the namespace"
is "$(rbd image-meta get --namespace "$ns" rbd/disk tenant)" blue "rbd image-meta in the namespace agrees"
api GET "$nsimages/disk/metadata"
is "$(field '.Items[0].key')" tenant "listed under the namespace"
api GET "$nsimages/nothing/metadata/tenant"
expect_error 404 NotFound "image rbd/$ns/nothing does not exist" "a missing image in the namespace"
api DELETE "$nsimages/disk"
api DELETE "/api/v1/pools/rbd/namespaces/$ns"
expect_status 204 "clean up the namespace"

api DELETE "$base/$img"
expect_status 204 "clean up"
done_testing
