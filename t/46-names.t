#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Names made by other tools: the rbd CLI accepts any bytes in a name, so a
# pool can hold images, snapshots, namespaces and metadata whose names are
# not UTF-8 or hold control characters. The API refuses to make such names,
# yet every answer stays valid UTF-8 JSON, such objects are listed with
# name_hex and an InvalidName error, and they can still be read and
# deleted by their exact bytes.
. "$(dirname "$0")/lib/test-lib.sh"

# valid_json: BODY is JSON made of valid UTF-8 (Python's decoder is strict:
# no overlong forms, no surrogates, nothing above U+10FFFF).
valid_json() {
	printf '%s' "$BODY" | python3 -c '
import json, sys
json.loads(sys.stdin.buffer.read().decode("utf-8", errors="strict"))' 2>/dev/null
	ok $? "$1: valid UTF-8 JSON"
}

# pct BYTES: every byte percent-encoded, for a path segment.
pct() {
	printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g'
}

hex() {
	printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'
}

pool=$(unique names)
# Snapshots live on an image in the shared pool "rbd": this Ceph's memstore
# OSD can crash trimming snapshots of a pool that is being deleted, and
# $pool is deleted at the end.
snapped=$(unique names-snapped)
api POST /api/v1/pools "{\"name\":\"$pool\",\"pg_num\":8}"
expect_status 201 "a pool of its own"

# The API refuses to make such names.
api POST "/api/v1/pools/$pool/images" $'{"name":"odd\xc0\xaf","size":"1M"}'
expect_error 400 BadRequest 'field "name" in request body is not valid UTF-8' \
	"an overlong '/' (C0 AF) in a new name"
api POST "/api/v1/pools/$pool/images" '{"name":"c1\u0085","size":"1M"}'
expect_error 400 BadRequest 'control character' "the C1 control U+0085 in a new name"
api POST "/api/v1/pools/$pool/images" $'{"name":"c1\xc2\x85","size":"1M"}'
expect_error 400 BadRequest 'control character' "U+0085 sent as raw bytes"
api POST "/api/v1/pools/$pool/images" $'{"name":"sur\xed\xa0\x80","size":"1M"}'
expect_error 400 BadRequest 'not valid UTF-8' "an encoded surrogate"
api POST "/api/v1/pools/$pool/images" '{"name":"sur\ud800","size":"1M"}'
expect_error 400 BadRequest 'lone high surrogate' "a lone surrogate escape"
api POST "/api/v1/pools/$pool/images" $'{"name":"big\xf4\x90\x80\x80","size":"1M"}'
expect_error 400 BadRequest 'not valid UTF-8' "a code point above U+10FFFF"
api POST "/api/v1/pools/$pool/images/odd%C0%AF/snapshots" '{"name":"s"}'
expect_error 400 BadRequest 'image name .* is not valid UTF-8' "an overlong form in a path segment"
valid_json "that error, which quotes the name"
api GET "/api/v1/pools/$pool/images/nothing%C0%AF"
expect_error 400 BadRequest 'image name .* is not valid UTF-8' \
	"GET of a name that is not UTF-8 and does not exist is the rule's 400"
api DELETE "/api/v1/pools/$pool/images/nothing%C2%85"
expect_error 400 BadRequest 'image name .* contains a control character' "so is DELETE"
rbd ls "$pool" | grep -q . && fail=1 || fail=0
is "$fail" 0 "none of the refused creates made an image"

# Such names made with the CLI.
overlong=$'odd\xc0\xaf'
c1=$'c1\xc2\x85'
ff=$'ff\xff'
for name in "$overlong" "$c1" "$ff" good; do
	rbd create --size 1M "$pool/$name" || echo "# rbd create of $(hex "$name") failed"
done
rbd create --size 1M "rbd/$snapped"
rbd snap create "rbd/$snapped@"$'snap\xfe' >/dev/null 2>&1
ok $? "a snapshot whose name is not UTF-8 (made by the CLI)"
rbd image-meta set "$pool/good" $'key\xfd' $'value\xfc' >/dev/null
ok $? "metadata whose key and value are not UTF-8"
rbd namespace create "$pool/"$'ns\xfb'
ok $? "a namespace whose name is not UTF-8"

api GET "/api/v1/pools/$pool/images"
expect_status 200 "the pool's names"
valid_json "the names"
is "$(field '.Items | length')" 4 "all four images listed"
is "$(field '.Items[] | select(.name_hex == "'"$(hex "$overlong")"'") | .name')" \
	$'odd\xef\xbf\xbd\xef\xbf\xbd' "C0 AF shown as two U+FFFD"
is "$(field '.Items[] | select(.name_hex == "'"$(hex "$overlong")"'") | .error.reason')" \
	InvalidName "with an InvalidName error"
like "$(field '.Items[] | select(.name_hex == "'"$(hex "$overlong")"'") | .error.message')" \
	'image name is not valid UTF-8.*name_hex' "that says how to address it"
is "$(field '.Items[] | select(.name_hex == "'"$(hex "$c1")"'") | .error.reason')" \
	InvalidName "a C1 control in a name is flagged too"
is "$(field '.Items[] | select(.name == "good") | has("name_hex")')" false \
	"a good name has no name_hex"

api GET "/api/v1/pools/$pool/images?detail=true"
expect_status 200 "the pool's images in detail"
valid_json "the detail listing"
is "$(field '[.Items[] | select(.size == 1048576)] | length')" 4 "every image read in full"
is "$(field '.Items[] | select(.name_hex == "'"$(hex "$ff")"'") | .error.reason')" InvalidName \
	"the odd ones flagged in detail too"

# Pages of one: every Continue token is accepted, whatever name it holds.
token= seen=0
for ((i = 0; i < 10; i++)); do
	api GET "/api/v1/pools/$pool/images?limit=1${token:+&continue=$token}"
	[ "$STATUS" = 200 ] || break
	seen=$((seen + $(field '.Items | length')))
	token=$(field '.Continue // empty')
	[ -n "$token" ] || break
done
is "$STATUS" 200 "pages of one all answer 200"
is "$seen" 4 "and list the four images once each"

# Addressable by their exact bytes.
for name in "$overlong" "$c1" "$ff"; do
	api GET "/api/v1/pools/$pool/images/$(pct "$name")"
	expect_status 200 "GET of $(hex "$name") by its bytes"
	valid_json "its Image"
	is "$(field .name_hex)" "$(hex "$name")" "its name_hex"
	is "$(field .size)" 1048576 "its size"
	api HEAD "/api/v1/pools/$pool/images/$(pct "$name")"
	expect_status 200 "HEAD of $(hex "$name")"
done

api GET "/api/v1/pools/rbd/images/$snapped/snapshots"
expect_status 200 "the snapshots of an image"
valid_json "the snapshots"
is "$(field '.Items[0].name_hex')" "$(hex $'snap\xfe')" "the snapshot's name_hex"
is "$(field '.Items[0].error.reason')" InvalidName "and its InvalidName error"
api GET "/api/v1/pools/rbd/images/$snapped/snapshots/$(pct $'snap\xfe')"
expect_status 200 "GET of the snapshot by its bytes"
valid_json "the snapshot"

api GET "/api/v1/pools/$pool/images/good/metadata"
expect_status 200 "metadata"
valid_json "the metadata"
is "$(field '.Items[0].key_hex')" "$(hex $'key\xfd')" "the key's bytes in key_hex"
is "$(field '.Items[0].value_hex')" "$(hex $'value\xfc')" "the value's bytes in value_hex"
api GET "/api/v1/pools/$pool/images/good/metadata/$(pct $'key\xfd')"
expect_status 200 "GET of the metadata key by its bytes"
valid_json "the metadata entry"
is "$(field .value_hex)" "$(hex $'value\xfc')" "its value's bytes"
api PUT "/api/v1/pools/$pool/images/good/metadata/$(pct $'new\xfd')" '{"value":"v"}'
expect_error 400 BadRequest 'printable ASCII' "a new key of such bytes is refused"
api DELETE "/api/v1/pools/$pool/images/good/metadata/$(pct $'key\xfd')"
expect_status 204 "DELETE of the metadata key by its bytes"

api GET "/api/v1/pools/$pool/namespaces"
expect_status 200 "namespaces"
valid_json "the namespaces"
is "$(field '.Items[] | select(.name_hex == "'"$(hex $'ns\xfb')"'") | .error.reason')" InvalidName \
	"the namespace is flagged"

api GET "/api/v1/pools/rbd/images/$snapped/snapshots/$(pct $'snap\xfe')/nothing"
valid_json "a 404 that quotes such a name"

api DELETE "/api/v1/pools/rbd/images/$snapped/snapshots/$(pct $'snap\xfe')"
expect_status 204 "DELETE of the snapshot by its bytes"
for name in "$overlong" "$c1" "$ff"; do
	api DELETE "/api/v1/pools/$pool/images/$(pct "$name")"
	expect_status 204 "DELETE of $(hex "$name") by its bytes"
done
is "$(rbd ls "$pool")" good "rbd ls agrees: only the good image is left"

# The delete pre-check names up to ten snapshots, then counts the rest.
for i in $(seq -w 1 12); do
	rbd snap create "rbd/$snapped@s$i" >/dev/null 2>&1
done
api DELETE "/api/v1/pools/rbd/images/$snapped"
expect_error 409 Conflict \
	'has 12 snapshots \(s01, s02, s03, s04, s05, s06, s07, s08, s09, s10 and 2 more\); delete them first' \
	"a delete refused for 12 snapshots names ten and counts two"
rbd snap purge "rbd/$snapped" >/dev/null 2>&1
rbd snap create "rbd/$snapped@only" >/dev/null 2>&1
api DELETE "/api/v1/pools/rbd/images/$snapped"
expect_error 409 Conflict 'has 1 snapshot \(only\); delete them first' "and one is named alone"
rbd snap purge "rbd/$snapped" >/dev/null 2>&1
api DELETE "/api/v1/pools/rbd/images/$snapped"
expect_status 204 "the image that had the snapshots goes"

# Numbers JSON holds but an unsigned 64-bit size cannot: the field is named.
for size in 18446744073709551616 1e26 1e400; do
	api POST "/api/v1/pools/$pool/images" "{\"name\":\"n\",\"size\":$size}"
	expect_error 400 BadRequest "field \"size\" in request body: $size is larger than 2\\^64-1 bytes" \
		"create with size $size"
	api PATCH "/api/v1/pools/$pool/images/good" "{\"size\":$size}"
	expect_error 400 BadRequest "field \"size\" in request body: $size is larger than 2\\^64-1 bytes" \
		"resize to $size"
done
api POST /api/v1/pools '{"name":"p","pg_num":1e400}'
expect_error 400 BadRequest 'field "pg_num" in request body: 1e400 is larger than 2\^64-1' \
	"any numeric field is named"
api POST "/api/v1/pools/$pool/images" '{"name":"n","size":1,"\u0073ize":2}'
expect_error 400 BadRequest 'repeats a key in one object: "size"' "a key repeated with an escape"
api POST "/api/v1/pools/$pool/images/good/copy" "{\"pool\":\"$pool\",\"namespace\":\"team\\u0000x\",\"name\":\"c\"}"
expect_error 400 BadRequest 'field "namespace" .* must not contain a NUL' "an escaped NUL is refused, not cut"

api DELETE "/api/v1/pools/$pool/images/good"
expect_status 204 "clean up"
api DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_status 204 "and the pool"
done_testing
