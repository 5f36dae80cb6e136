#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What `rbd pool stats` counts and librbd's pool metadata, through the
# API: an operator counts the images of a namespace and of the pool's
# default one, then tags the pool with key/value pairs, reads and changes
# them, and removes them; checked against the rbd CLI (and, since the rbd
# CLI of Ceph 16 has no pool metadata command, against the omap of the
# pool's rbd_info object, where librbd keeps the pairs, and against `rbd
# config pool` for a conf_ key). Every 4xx of the routes.
. "$(dirname "$0")/lib/test-lib.sh"

pool=/api/v1/pools/rbd
ns=$(unique statsns)
rbd namespace create "rbd/$ns"
cleanup() {
	for id in $(rbd trash ls --format json "rbd/$ns" 2>/dev/null | jq -r '.[].id'); do
		rbd trash rm "rbd/$ns/$id" >/dev/null 2>&1
	done
	rbd snap purge "rbd/$ns/a" >/dev/null 2>&1
	rbd rm "rbd/$ns/a" >/dev/null 2>&1
	rbd rm "rbd/$ns/b" >/dev/null 2>&1
	rbd namespace remove "rbd/$ns" >/dev/null 2>&1
	for k in $(cli_keys | grep "^t33-"); do
		rados -p rbd rmomapkey rbd_info "metadata_$k" >/dev/null 2>&1
	done
	rbd config pool remove rbd rbd_cache >/dev/null 2>&1
	rm -f "$_t_body_file.omap"
}
at_exit cleanup

# The pool's metadata keys as librbd keeps them (omap keys metadata_KEY of
# rbd_info), one a line, and one's value.
cli_keys() { rados -p rbd listomapkeys rbd_info 2>/dev/null | sed -n 's/^metadata_//p' | LC_ALL=C sort; }
cli_value() {
	rados -p rbd getomapval rbd_info "metadata_$1" "$_t_body_file.omap" >/dev/null 2>&1 &&
		cat "$_t_body_file.omap"
}
compact() { printf '%s' "$BODY" | jq -c "$1"; }
# cli_stats SPEC: `rbd pool stats` as the API words it.
cli_stats() {
	rbd pool stats "$1" --format json |
		jq -c '{images: {count: .images.count, provisioned_bytes: .images.provisioned_bytes,
			snapshot_count: .images.snap_count},
			trash: {count: .trash.count, provisioned_bytes: .trash.provisioned_bytes,
			snapshot_count: .trash.snap_count}}'
}
api_stats='{images: (.images | {count, provisioned_bytes, snapshot_count}),
	trash: (.trash | {count, provisioned_bytes, snapshot_count})}'

story "the counts of a namespace"
api GET "$pool/namespaces/$ns/stats/rbd"
expect_status 200 "an empty namespace"
is "$(field '.Kind + " " + .pool + " " + .namespace')" "RbdStats rbd $ns" "an RbdStats of the namespace"
is "$(field '[.images.count, .images.snapshot_count, .trash.count] | map(tostring) | join(" ")')" "0 0 0" \
	"nothing in it"
rbd create "rbd/$ns/a" --size 8M
rbd create "rbd/$ns/b" --size 4M
rbd snap create "rbd/$ns/a@s1" >/dev/null 2>&1
rbd resize --allow-shrink --size 4M "rbd/$ns/a" >/dev/null 2>&1
rbd create "rbd/$ns/c" --size 16M
rbd trash mv "rbd/$ns/c"
api GET "$pool/namespaces/$ns/stats/rbd"
expect_status 200 "two images, a snapshot, one in the trash"
is "$(field '[.images.count, .images.snapshot_count, .trash.count] | map(tostring) | join(" ")')" "2 1 1" \
	"the counts"
is "$(field '.images.size_bytes')" $((8 << 20)) "size_bytes: the sum of the sizes"
is "$(field '.trash.size_bytes')" $((16 << 20)) "and of the trash's"
is "$(field '.images.provisioned_bytes')" $((12 << 20)) \
	"provisioned: each image at its largest size, its own or a snapshot's (8M before the shrink)"
is "$(compact "$api_stats")" "$(cli_stats "rbd/$ns")" "rbd pool stats agrees"
story ""

story "the counts of the pool's default namespace"
api GET "$pool/stats/rbd"
expect_status 200 "the pool's stats/rbd"
is "$(field '.Kind + " " + .pool + " [" + .namespace + "]"')" "RbdStats rbd []" "the default namespace"
is "$(compact "$api_stats")" "$(cli_stats rbd)" "rbd pool stats agrees"
api GET "$pool/stats"
expect_status 200 "the pool's I/O stats are another route"
is "$(field .Kind)" ImageStatsList "still an ImageStatsList"
api GET "/api/v1/pools/rbd/namespaces/team-a/stats/rbd" "" -u "$RBD_API_TENANT"
expect_status 200 "team-a counts its namespace"
api GET "$pool/stats/rbd" "" -u "$RBD_API_TENANT"
expect_status 403 "but not the default namespace, outside its scope"
story ""

story "what cannot be counted"
api GET "/api/v1/pools/nothing-$$/stats/rbd"
expect_error 404 NotFound "pool nothing-$$ does not exist" "a missing pool"
api GET "$pool/namespaces/nothing-$$/stats/rbd"
expect_error 404 NotFound "namespace .*nothing-$$.* does not exist" "a missing namespace"
api GET "$pool/stats/rbd?sort=x"
expect_error 400 BadRequest 'sort' "a query parameter the route does not take"
api POST "$pool/stats/rbd" '{}'
expect_status 405 "POST"
story ""

meta=$pool/metadata
k=$(unique t33-owner)

story "pool metadata"
api GET "$meta"
expect_status 200 "list the pool's metadata"
is "$(field .Kind)" MetadataList "a MetadataList"
is "$(field '.Items[].key')" "$(cli_keys)" "the keys librbd keeps"
api PUT "$meta/$k" '{"value":"team-a"}'
expect_status 201 "set a new key"
is "$(header Location)" "$meta/$k" "Location names the key"
is "$(field '.Kind + " " + .key + " " + .value')" "MetadataEntry $k team-a" "a MetadataEntry"
is "$(cli_value "$k")" team-a "librbd keeps it"
api PUT "$meta/$k" '{"value":"team-b"}'
expect_status 200 "set it again: 200, not 201"
is "$(cli_value "$k")" team-b "the value is replaced"
api PUT "$meta/$k-cli" '{"value":"from the cli"}'
expect_status 201 "another key"
api GET "$meta/$k-cli"
expect_status 200 "read it"
is "$(field .value)" "from the cli" "reads its value"
etag=$(header ETag)
like "$etag" '^"' "with an ETag"
api GET "$meta/$k-cli" "" -H "If-None-Match: $etag"
expect_status 304 "unchanged: 304"
api PUT "$meta/$k-cli" '{"value":"x"}' -H 'If-Match: "stale"'
expect_status 412 "a stale If-Match is refused"
is "$(cli_value "$k-cli")" "from the cli" "and changes nothing"
api PUT "$meta/$k-cli" '{"value":"from the api"}' -H "If-Match: $etag"
expect_status 200 "the current one holds"
api GET "$meta"
is "$(field '.Items[].key')" "$(cli_keys)" "the list has the keys librbd keeps"
is "$(field '[.Items[] | select(.key | startswith("'"$k"'")) | .value] | join(",")')" "team-b,from the api" \
	"with both keys"
api GET "$meta/$k" "" -u "$RBD_API_VIEWER"
expect_status 200 "a viewer reads it"
api PUT "$meta/$k" '{"value":"x"}' -u "$RBD_API_VIEWER"
expect_error 403 Forbidden "may not change the metadata of pools" "but may not set it"
api DELETE "$meta/$k" "" -u "$RBD_API_TENANT"
expect_error 403 Forbidden "may not change the metadata of pools" "nor may a namespace's operator remove it"
api DELETE "$meta/$k"
expect_status 204 "delete a key"
cli_value "$k" >/dev/null 2>&1
ok $((! $?)) "librbd no longer has it"
api DELETE "$meta/$k-cli"
expect_status 204 "delete the other"
story ""

story "what cannot be set"
api DELETE "$meta/$k"
expect_error 404 NotFound "pool rbd has no metadata key \"$k\"" "delete a missing key"
api GET "$meta/$k"
expect_error 404 NotFound "pool rbd has no metadata key \"$k\"" "get a missing key"
api PUT "$meta/$k" '{}'
expect_error 400 BadRequest '"value"' "PUT without a value"
api PUT "$meta/$k" '{"value":7}'
expect_error 400 BadRequest '"value"' "a value that is not a string"
api PUT "$meta/$k" '{"value":"a\u0000b"}'
expect_error 400 BadRequest 'NUL' "a value with a NUL character"
api PUT "$meta/$(printf 'k%.0s' $(seq 251))" '{"value":"x"}'
expect_error 400 BadRequest '1 to 250 bytes long, not 251' "a key over 250 bytes"
api PUT "$meta/a%2Fb" '{"value":"x"}'
expect_error 400 BadRequest "without '/'" "a key with a slash"
api GET "$meta/a%01b"
expect_error 400 BadRequest 'byte 0x01 at offset 1' "a key with a control character"
api PUT "$meta/conf_rbd_cache" '{"value":"maybe"}'
expect_error 400 BadRequest 'conf_rbd_cache.*of pool rbd.*"rbd_cache" is not one or "maybe" is not a valid value' \
	"an RBD option override with a bad value"
api PUT "$meta/conf_rbd_cache" '{"value":"false"}'
expect_status 201 "an RBD option override of the pool"
is "$(rbd config pool get rbd rbd_cache)" false "rbd config pool get shows it"
api DELETE "$meta/conf_rbd_cache"
expect_status 204 "and its removal"
rbd config pool get rbd rbd_cache >/dev/null 2>&1
ok $((! $?)) "rbd config pool get no longer has it"
api PUT "$meta/conf_no_such_option" '{"value":"1"}'
expect_error 400 BadRequest 'override an RBD configuration option' "an option that does not exist"
api PUT "/api/v1/pools/nothing-$$/metadata/$k" '{"value":"x"}'
expect_error 404 NotFound "pool nothing-$$ does not exist" "a missing pool"
api GET "/api/v1/pools/nothing-$$/metadata"
expect_error 404 NotFound "pool nothing-$$ does not exist" "the list of a missing pool"
api POST "$meta/$k" '{"value":"x"}'
expect_error 405 MethodNotAllowed '' "POST on a key"
story ""

done_testing
