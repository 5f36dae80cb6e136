#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The general rules of the contract: every bad request gets the right
# status and a JSON Status that says what to fix.
. "$(dirname "$0")/lib/test-lib.sh"

img=$(unique err)

api GET /api/v1/nothing
expect_error 404 NotFound 'no such endpoint' "unknown path"
api GET /api/v1/pools/rbd/images/x/bogus
expect_error 404 NotFound 'no such endpoint' "unknown sub-resource"
api GET /
expect_error 404 NotFound '' "outside /api/ is a JSON 404 from nginx"

api PUT /api/v1/pools
expect_error 405 MethodNotAllowed 'PUT is not allowed' "PUT on the pool list"
is "$(header Allow)" "GET, HEAD, POST" "Allow lists the methods"
api POST /api/v1/pools/rbd/images/x '{}'
expect_error 405 MethodNotAllowed 'allowed: GET, HEAD, PATCH, DELETE' "POST on an image"
is "$(header Allow)" "GET, HEAD, PATCH, DELETE" "Allow on an image"

# Bodies: type, syntax, shape, fields.
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":1}" -H 'Content-Type: text/plain'
expect_error 415 UnsupportedMediaType 'Content-Type: application/json' "text/plain body"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":1"
expect_error 400 BadRequest 'not valid JSON.*byte' "truncated JSON"
api POST /api/v1/pools/rbd/images '[1]'
expect_error 400 BadRequest 'must be a JSON object' "an array body"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"szie\":\"1G\"}"
expect_error 400 BadRequest 'unknown field "szie"' "a misspelt field"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":true}"
expect_error 400 BadRequest 'field "size"' "a wrong type"
api POST /api/v1/pools/rbd/images "{\"size\":\"1G\"}"
expect_error 400 BadRequest 'field "name" is required' "a missing field"
api POST /api/v1/pools/rbd/images ""
expect_error 400 BadRequest 'request body is required' "no body at all"

big=$(head -c 70000 /dev/zero | tr '\0' 'x')
api POST /api/v1/pools/rbd/images "{\"name\":\"$big\"}"
expect_error 413 PayloadTooLarge '' "a body over the limit"

# Names: in the path and in bodies.
api GET /api/v1/pools/rbd/images/a%2Fb
expect_error 400 BadRequest 'image name "a/b" contains' "an encoded slash in a name"
api GET /api/v1/pools/rbd/images/a@b
expect_error 400 BadRequest "contains '@'" "an @ in a name"
api GET /api/v1/pools/rbd/images/%2e%2e
expect_error 400 BadRequest 'may not be' "a name of .."
api GET /api/v1/pools/rbd/images/a%0Ab
expect_error 400 BadRequest 'control character' "a control character"
api GET "/api/v1/pools/rbd/images/$(head -c 251 /dev/zero | tr '\0' 'n')"
expect_error 400 BadRequest 'longer than 250' "a 251-byte name"
api GET /api/v1/pools/rbd/images/a%zz
expect_error 400 BadRequest 'malformed' "a malformed escape"
api POST /api/v1/pools/rbd/images '{"name":"x/y","size":1}'
expect_error 400 BadRequest "field \"name\".*contains '/'" "a slash in a body name"

# Query strings.
api GET "/api/v1/pools?detial=true"
expect_error 400 BadRequest 'unknown query parameter "detial"' "a misspelt query parameter"
api GET "/api/v1/pools?detail=maybe"
expect_error 400 BadRequest 'detail must be true or false' "a bad boolean"
api GET "/api/v1/pools/rbd/images?limit=0"
expect_error 400 BadRequest 'limit must be an integer' "limit 0"
api GET "/api/v1/pools/rbd/images?continue=zz"
expect_error 400 BadRequest 'continue is not a token' "a forged continue token"

# Sizes and image options, all refused before any cluster call.
for case in '"-1"|not a size' '-5|must not be negative' '"10X"|not a size' '1e9|must be a size' \
	'"99999999999P"|2\^64' '18446744073709551616|larger than 2\^64-1'; do
	size=${case%%|*}
	api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":$size}"
	expect_error 400 BadRequest "${case#*|}" "size $size"
done
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\",\"object_size\":\"3M\"}"
expect_error 400 BadRequest 'power of two' "object_size not a power of two"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\",\"object_size\":\"64M\"}"
expect_error 400 BadRequest 'from 4K to 32M' "object_size too large"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\",\"features\":[\"layring\"]}"
expect_error 400 BadRequest 'unknown feature "layring"' "an unknown feature"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\",\"features\":[\"object-map\"]}"
expect_error 400 BadRequest 'object-map requires exclusive-lock' "a feature without its dependency"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\",\"stripe_unit\":\"64K\"}"
expect_error 400 BadRequest 'give both or neither' "stripe_unit alone"
api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"1G\",\"stripe_unit\":\"3K\",\"stripe_count\":2}"
expect_error 400 BadRequest 'must divide object_size' "stripe_unit not dividing object_size"

rbd info "rbd/$img" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "none of the bad creates left an image behind"

done_testing
