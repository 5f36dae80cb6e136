#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Backups and restores in the rbd CLI's own diff format, as cinder-backup
# and Benji do them with `rbd export-diff | rbd import-diff`, but over
# HTTPS: a full backup, then incrementals along a chain of snapshots
# (with a resize and zeroed ranges between them), both ways against the
# real CLI, in both versions of the format, and from a clone. The oracle
# is the sha256 of `rbd export` of the source's snapshot. Images stay a
# few MiB.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
work=$(mktemp -d /tmp/rbd-rest-api-diffs.XXXXXX)
made=()
cleanup() {
	local i s
	for i in "${made[@]}"; do
		for s in $(rbd snap ls --format json "rbd/$i" 2>/dev/null | jq -r '.[] | select(.protected == "true") | .name'); do
			rbd snap unprotect "rbd/$i@$s" >/dev/null 2>&1
		done
		rbd snap purge "rbd/$i" >/dev/null 2>&1
		rbd rm "rbd/$i" >/dev/null 2>&1
	done
	rm -rf "$work"
}
at_exit cleanup

export_sha() { rbd export "$1" - 2>/dev/null | sha256sum | cut -d' ' -f1; }
curl_api() {
	curl -sS --fail --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" \
		--max-time 120 "$@"
}
# get_diff PATH FILE: the diff the API sends.
get_diff() {
	HEADERS=$(curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" \
		--max-time 120 -D - -o "$2" "$RBD_API_URL$1") || true
	STATUS=$(printf '%s\n' "$HEADERS" | awk 'NR==1 {print $2}')
}
# post_diff IMAGE FILE [CURL-ARGS...]: applies FILE to IMAGE through the API.
post_diff() {
	local img=$1 file=$2
	shift 2
	api POST "$base/$img/diff" "" -H 'Content-Type: application/octet-stream' \
		--data-binary "@$file" "$@"
}
# write_at IMAGE OFFSET FILE: content through the API.
write_at() {
	local size
	size=$(stat -c %s "$3")
	api PUT "$base/$1/data" "" -H 'Content-Type: application/octet-stream' \
		-H "Content-Range: bytes $2-$(($2 + size - 1))/*" --data-binary "@$3"
	[ "$STATUS" = 200 ] || echo "# write_at $1 $2: $STATUS $BODY"
}
snap() {
	rbd snap create "rbd/$1@$2" >/dev/null 2>&1 || echo "# snap create $1@$2 failed"
}
M=1048576
head -c $((2 * M)) /dev/urandom >"$work/r2"
head -c $((M)) /dev/urandom >"$work/r1"
head -c $((M)) /dev/zero >"$work/z"

story "a source volume and its chain of three snapshots"
src=$(unique src)
made+=("$src")
api POST "$base" "{\"name\":\"$src\",\"size\":\"8M\",\"object_size\":\"1M\"}"
expect_status 201 "the source image"
write_at "$src" 0 "$work/r2"
write_at "$src" $((5 * M)) "$work/r1"
snap "$src" s1
write_at "$src" $((M)) "$work/r1"
# Zeros become write_zeroes: a discarded range, a zero record.
write_at "$src" $((5 * M)) "$work/z"
api PATCH "$base/$src" '{"size":"12M"}'
expect_status 200 "grown between s1 and s2"
write_at "$src" $((10 * M)) "$work/r1"
snap "$src" s2
api PATCH "$base/$src" '{"size":"6M","allow_shrink":true}'
expect_status 200 "shrunk between s2 and s3"
write_at "$src" $((3 * M)) "$work/r1"
snap "$src" s3
for s in s1 s2 s3; do
	eval "sha_$s=$(export_sha "rbd/$src@$s")"
done
ok "$([ "$sha_s1" != "$sha_s2" ] && [ "$sha_s2" != "$sha_s3" ]; echo $?)" "three different snapshots"

story "full backup from the API, restored with rbd import-diff"
get_diff "$base/$src/snapshots/s1/diff" "$work/full.v1"
is "$STATUS" 200 "GET .../snapshots/s1/diff: 200"
is "$(header Content-Type)" application/octet-stream "as application/octet-stream"
is "$(head -c 12 "$work/full.v1")" "rbd diff v1" "in the rbd diff v1 format"
is "$(tail -c 1 "$work/full.v1")" e "ends with its end record"
rbd export-diff "rbd/$src@s1" "$work/cli-full.v1" >/dev/null 2>&1
is "$(sha256sum <"$work/full.v1")" "$(sha256sum <"$work/cli-full.v1")" \
	"byte for byte what rbd export-diff writes"
dst=$(unique dst)
made+=("$dst")
rbd create --size 1M "rbd/$dst" >/dev/null 2>&1
curl_api "$RBD_API_URL$base/$src/snapshots/s1/diff" | rbd import-diff - "rbd/$dst" >/dev/null 2>&1
is "$(export_sha "rbd/$dst@s1")" "$sha_s1" "curl ... | rbd import-diff: the same content as s1"

story "incrementals from the API, v1 and v2, applied with the CLI"
curl_api "$RBD_API_URL$base/$src/snapshots/s2/diff?from=s1" | rbd import-diff - "rbd/$dst" >/dev/null 2>&1
is "$(export_sha "rbd/$dst@s2")" "$sha_s2" "s1 to s2 (grown, zeroed): the same content as s2"
is "$(rbd info --format json "rbd/$dst" | jq .size)" $((12 * M)) "the size record resized it"
get_diff "$base/$src/snapshots/s3/diff?from=s2" "$work/s2s3.v1"
rbd import-diff "$work/s2s3.v1" "rbd/$dst" >/dev/null 2>&1
is "$(export_sha "rbd/$dst@s3")" "$sha_s3" "s2 to s3 (shrunk): the same content as s3"
rbd export-diff --from-snap s1 "rbd/$src@s2" "$work/cli-s1s2" >/dev/null 2>&1
get_diff "$base/$src/snapshots/s2/diff?from=s1" "$work/s1s2.v1"
is "$(sha256sum <"$work/s1s2.v1")" "$(sha256sum <"$work/cli-s1s2")" \
	"an incremental is byte for byte the CLI's too"

story "the backup walk-through of docs/api.md, as written there"
# Its block, with its names made unique and the restore in this pool; it
# runs under set -e with a content() that fails on any error status.
vol=$(unique vol)
restored=$(unique restored)
made+=("$vol" "$restored")
api POST "$base" "{\"name\":\"$vol\",\"size\":\"8M\",\"object_size\":\"1M\"}"
write_at "$vol" 0 "$work/r2"
walk=$(awk '/^<!-- backup-walkthrough -->/ { on = 1; next } on && /^```sh/ { inblock = 1; next }
	inblock && /^```/ { exit } inblock' "$RBD_REST_API_SRCDIR/docs/api.md" |
	sed -e "s#pools/backup/#pools/rbd/#g; s#vol1-restored#$restored#g; s#vol1#$vol#g")
ok "$([ -n "$walk" ]; echo $?)" "docs/api.md has the walk-through"
(
	content() { curl -sS --fail --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" "$@"; }
	IMG=$RBD_API_URL$base
	cd "$work" && set -e && eval "$walk"
) >"$work/walk.out" 2>&1
ok $? "every step of it succeeds" || sed 's/^/#   /' "$work/walk.out"
is "$(export_sha "rbd/$restored@b2")" "$(export_sha "rbd/$vol@b2")" "the restore equals the volume at b2"
is "$(rbd snap ls --format json "rbd/$restored" | jq -c '[.[].name]')" '["b1","b2"]' "with both snapshots"

story "the CLI's diffs applied through the API"
api_dst=$(unique restore)
made+=("$api_dst")
api POST "$base" "{\"name\":\"$api_dst\",\"size\":\"1M\",\"object_size\":\"1M\"}"
rbd export-diff "rbd/$src@s1" - 2>/dev/null |
	curl_api -H 'Content-Type: application/octet-stream' --data-binary @- \
		"$RBD_API_URL$base/$api_dst/diff" >"$work/answer"
is "$(jq -r .Kind "$work/answer")" DiffApplied "rbd export-diff - | curl --data-binary @-: DiffApplied"
is "$(jq -r .end_snapshot "$work/answer")" s1 "it names the snapshot it made"
is "$(jq -r .sha256 "$work/answer")" "$(sha256sum <"$work/cli-full.v1" | cut -d' ' -f1)" \
	"with the sha256 of the stream"
is "$(export_sha "rbd/$api_dst@s1")" "$sha_s1" "full: the same content as s1"
post_diff "$api_dst" "$work/cli-s1s2"
expect_status 200 "s1 to s2 (v1) applied"
is "$(field .size)" $((12 * M)) "the answer says the new size"
is "$(export_sha "rbd/$api_dst@s2")" "$sha_s2" "the same content as s2"
# `rbd import-diff` reads version 1 only; version 2 is what `rbd export
# --export-format 2` embeds. The API reads both.
get_diff "$base/$src/snapshots/s3/diff?from=s2&format=2" "$work/s2s3.v2"
is "$(head -c 12 "$work/s2s3.v2")" "rbd diff v2" "?format=2: rbd diff v2"
post_diff "$api_dst" "$work/s2s3.v2"
expect_status 200 "s2 to s3 in v2 applied"
is "$(export_sha "rbd/$api_dst@s3")" "$sha_s3" "the same content as s3"
is "$(export_sha "rbd/$api_dst")" "$sha_s3" "and the image's head is s3"

story "a clone: its diff holds what it reads from its parent"
rbd snap protect "rbd/$src@s3" >/dev/null 2>&1
clone=$(unique clone)
made=("$clone" "${made[@]}")
rbd clone "rbd/$src@s3" "rbd/$clone" >/dev/null 2>&1
write_at "$clone" $((4 * M)) "$work/r1"
snap "$clone" c1
sha_c1=$(export_sha "rbd/$clone@c1")
flat=$(unique flat)
made+=("$flat")
rbd create --size 1M "rbd/$flat" >/dev/null 2>&1
curl_api "$RBD_API_URL$base/$clone/snapshots/c1/diff" | rbd import-diff - "rbd/$flat" >/dev/null 2>&1
is "$(export_sha "rbd/$flat@c1")" "$sha_c1" "a clone's full diff restores it whole"
flat2=$(unique flat)
made+=("$flat2")
rbd create --size 1M "rbd/$flat2" >/dev/null 2>&1
rbd export-diff "rbd/$clone@c1" - 2>/dev/null |
	curl_api -H 'Content-Type: application/octet-stream' --data-binary @- \
		"$RBD_API_URL$base/$flat2/diff" >/dev/null
is "$(export_sha "rbd/$flat2@c1")" "$sha_c1" "and the CLI's diff of it, applied through the API"

story "changed extents, as rbd diff --format json lists them"
# cli_extents SPEC [ARGS...]: the CLI's list, with exists as a boolean.
cli_extents() {
	rbd diff --format json "$@" 2>/dev/null | jq -c '[.[] | {offset, length, exists: (.exists == "true")}]'
}
items() { printf '%s' "$BODY" | jq -c .Items; }
# all_pages PATH: every page's Items, following Continue.
all_pages() {
	local path=$1 sep token= items='[]'
	[[ $path == *\?* ]] && sep='&' || sep='?'
	while :; do
		api GET "$path${sep}limit=2${token:+&continue=$token}"
		[ "$STATUS" = 200 ] || { echo "# $STATUS $BODY"; break; }
		items=$(jq -c --argjson page "$(field .Items)" '. + $page' <<<"$items")
		token=$(field '.Continue // empty')
		[ -n "$token" ] || break
	done
	printf '%s\n' "$items"
}
api GET "$base/$src/snapshots/s1/extents"
expect_status 200 "GET .../snapshots/s1/extents: 200"
is "$(field .Kind)" ExtentList "an ExtentList"
is "$(items)" "$(cli_extents "rbd/$src@s1")" "the allocated extents of s1, as rbd diff"
api GET "$base/$src/snapshots/s2/extents?from=s1"
is "$(items)" "$(cli_extents --from-snap s1 "rbd/$src@s2")" "changed since s1, as rbd diff --from-snap"
like "$(field '[.Items[] | select(.exists == false)] | length')" '^[1-9]' "the zeroed range is an extent that does not exist"
api GET "$base/$src/snapshots/s2/extents?from=s1&whole_object=true"
is "$(items)" "$(cli_extents --whole-object --from-snap s1 "rbd/$src@s2")" "whole_object=true, as --whole-object"
is "$(all_pages "$base/$src/snapshots/s2/extents?from=s1")" "$(cli_extents --from-snap s1 "rbd/$src@s2")" \
	"in pages of 2, following Continue: the same list"
plain=$(unique plain)
made+=("$plain")
rbd create --size 8M --object-size 1M --image-feature layering "rbd/$plain" >/dev/null 2>&1
write_at "$plain" $((M)) "$work/r2"
snap "$plain" p1
write_at "$plain" $((6 * M)) "$work/r1"
write_at "$plain" $((M)) "$work/z"
snap "$plain" p2
api GET "$base/$plain/snapshots/p2/extents?from=p1"
is "$(items)" "$(cli_extents --from-snap p1 "rbd/$plain@p2")" "without fast-diff too"
api GET "$base/$clone/snapshots/c1/extents"
is "$(items)" "$(cli_extents "rbd/$clone@c1")" "a clone's, with its parent's"
api GET "$base/$src/snapshots/s1/extents?whole_object=maybe"
expect_error 400 BadRequest "whole_object" "whole_object neither true nor false"
api GET "$base/$src/snapshots/s1/extents?continue=x"
expect_error 400 BadRequest "continue" "a continue token of another kind"
api GET "$base/$src/snapshots/s1/extents?from=s3"
expect_error 400 BadRequest "s3 is not older than" "extents from a newer snapshot"
api GET "$base/$src/snapshots/s1/extents" "" -u "$RBD_API_VIEWER"
expect_error 403 Forbidden "verb read_data" "a viewer may not list extents"

story "a diff cut short: part applied, no end snapshot, applied again completes it"
part=$(unique part)
made+=("$part")
rbd create --size 1M "rbd/$part" >/dev/null 2>&1
cut=$((2 * M))
head -c $cut "$work/full.v1" >"$work/cut"
post_diff "$part" "$work/cut"
expect_error 400 BadRequest "cut short at record 'w' at byte [0-9]+.*holds part of the diff.*applying the same diff again completes it" \
	"a diff cut short: 400"
like "$(field .message)" "end snapshot s1 was not made" "the message names the snapshot not made"
is "$(rbd snap ls --format json "rbd/$part" | jq length)" 0 "no end snapshot"
post_diff "$part" "$work/full.v1"
expect_status 200 "the same diff again: 200"
is "$(export_sha "rbd/$part@s1")" "$sha_s1" "the image now equals s1"

story "bad input"
post_diff "$part" "$work/r1"
expect_error 400 BadRequest "not an rbd diff" "a body that is no diff"
post_diff "$dst" "$work/s1s2.v1"
expect_error 409 Conflict "ends at snapshot s2, which the image already has" "a diff applied twice"
fresh=$(unique fresh)
made+=("$fresh")
rbd create --size 1M "rbd/$fresh" >/dev/null 2>&1
post_diff "$fresh" "$work/s1s2.v1"
expect_error 409 Conflict "starts from snapshot s1, which the image does not have" "a from snapshot the image lacks"
printf 'rbd diff v1\nx' >"$work/tag"
post_diff "$fresh" "$work/tag"
expect_error 400 BadRequest "record 'x' at byte 12: unknown record tag 0x78" "an unknown tag in v1"
# s: 1 MiB; z at 2 MiB, 1 MiB long.
printf 'rbd diff v1\ns\x00\x00\x10\x00\x00\x00\x00\x00z\x00\x00\x20\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00e' >"$work/past"
post_diff "$fresh" "$work/past"
expect_error 400 BadRequest "record 'z' at byte 21: .*ends past the image's end" "a record past the end"
api POST "$base/$fresh/diff" "" -H 'Content-Type: text/plain' --data-binary "@$work/past"
expect_error 415 UnsupportedMediaType "application/octet-stream" "a diff sent as text/plain"
api GET "$base/$src/snapshots/s2/diff?from=nope"
expect_error 404 NotFound "snapshot nope .*does not exist" "from a missing snapshot"
api GET "$base/$src/snapshots/s1/diff?from=s2"
expect_error 400 BadRequest "s2 is not older than" "from a newer snapshot"
api GET "$base/$src/snapshots/s1/diff?format=3"
expect_error 400 BadRequest "format" "format 3"
api GET "$base/$src/snapshots/nope/diff"
expect_error 404 NotFound "snapshot rbd/$src@nope does not exist" "a missing snapshot"
api GET "$base/$src/snapshots/s1/diff" "" -u "$RBD_API_VIEWER"
expect_error 403 Forbidden "verb read_data" "a viewer may not read a diff"
api POST "$base/$fresh/diff" "" -u "$RBD_API_VIEWER" -H 'Content-Type: application/octet-stream' \
	--data-binary "@$work/full.v1"
expect_error 403 Forbidden "verb write_data" "nor apply one"

done_testing
