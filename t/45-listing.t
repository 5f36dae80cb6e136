#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Listing a large pool: 1,000 images paged by names and in detail, every
# image exactly once; and an image whose header is gone shows up with an
# error in its item instead of failing the page, and DELETE cleans it up.
. "$(dirname "$0")/lib/test-lib.sh"

pool=$(unique listing)
mkimages=$(dirname "$(daemon_bin)")/../t/helpers/mkimages
api POST /api/v1/pools "{\"name\":\"$pool\",\"pg_num\":8}"
expect_status 201 "a pool for the listing"
"$mkimages" "$pool" img 1000
ok $? "1,000 images created"

# page_through QUERY: follows Continue tokens; sets PAGES and NAMES (one
# name a line).
page_through() {
	local query=$1 token= n
	PAGES=0
	NAMES=
	for n in $(seq 100); do
		api GET "/api/v1/pools/$pool/images?$query${token:+&continue=$token}"
		[ "$STATUS" = 200 ] || return 1
		PAGES=$((PAGES + 1))
		NAMES+=$(field '.Items[].name')$'\n'
		token=$(field '.Continue // empty')
		[ -n "$token" ] || return 0
	done
}

api GET "/api/v1/pools/$pool/images"
is "$(field '.Items | length')" 1000 "without limit, all 1,000 names at once"
is "$(field 'has("Continue")')" false "and no Continue"

page_through "limit=100"
is "$PAGES" 10 "limit=100 gives 10 pages"
is "$(printf '%s' "$NAMES" | wc -l)" 1000 "1,000 names in all"
is "$(printf '%s' "$NAMES" | sort -u | wc -l)" 1000 "each exactly once"

start=$(date +%s%N)
page_through "detail=true&limit=250"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$PAGES" 4 "detail=true&limit=250 gives 4 pages"
is "$(printf '%s' "$NAMES" | wc -l)" 1000 "1,000 detailed items in all"
is "$(printf '%s' "$NAMES" | sort -u | wc -l)" 1000 "every image exactly once in detail (${ms} ms)"

api GET "/api/v1/pools/$pool/images?detail=true"
is "$(field '.Items | length')" 100 "detail pages default to 100 items"
is "$(field '[.Items[] | select(.size == 1048576 and .format == 2)] | length')" 100 \
	"each a full Image"
is "$(field '.Items[0].name')" img-00001 "in name order"

# A header object lost (e.g. an interrupted delete): the page survives.
id=$(rbd info --format json "$pool/img-00002" | jq -r .id)
rados -p "$pool" rm "rbd_header.$id"
api GET "/api/v1/pools/$pool/images?detail=true&limit=3"
expect_status 200 "a page with a broken image still loads"
is "$(field '.Items[1].name')" img-00002 "the broken image is listed"
is "$(field '.Items[1].error.code')" 404 "with an error object"
like "$(field '.Items[1].error.message')" "image $pool/img-00002 cannot be read" "saying what is wrong"
is "$(field '.Items[0].size // empty')" 1048576 "its neighbours are whole"
api DELETE "/api/v1/pools/$pool/images/img-00002"
expect_status 204 "DELETE cleans up the broken entry"
rbd ls "$pool" | grep -qx img-00002
ok "$([ $? -ne 0 ]; echo $?)" "and rbd ls no longer lists it"

# Format 1 images (this Ceph no longer creates them; their table, a tmap
# in the directory object's data, is written here by hand) are listed by
# librbd, merged into name order.
tmap=$(mktemp)
printf '\0\0\0\0\1\0\0\0\6\0\0\0zz-old\0\0\0\0' >"$tmap"
rados -p "$pool" put rbd_directory "$tmap"
rm -f "$tmap"
api GET "/api/v1/pools/$pool/images"
is "$(field '.Items | length')" 1000 "a format 1 entry is listed with the 999 others"
is "$(field '.Items[0].name') $(field '.Items[-1].name')" "img-00001 zz-old" "in name order"
rados -p "$pool" truncate rbd_directory 0
api GET "/api/v1/pools/$pool/images"
is "$(field '.Items | length')" 999 "gone with its table"

api DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_status 204 "drop the pool"

done_testing
