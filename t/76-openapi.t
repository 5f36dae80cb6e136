#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The OpenAPI document served at /api/v1/openapi.json describes exactly the
# routes the daemon serves: every route of the router table is in it, and
# nothing else is. (Query parameters and body fields are held to the table
# without a cluster by t/01-surface.t; this checks the document as served.)
. "$(dirname "$0")/lib/test-lib.sh"

api GET /api/v1/openapi.json
expect_status 200 "the document is served"
like "$(header Content-Type)" '^application/json' "as JSON"
like "$(field .openapi)" '^3\.' "an OpenAPI 3 document"

doc=$BODY
ask() { printf '%s' "$doc" | jq "$@"; }
documented=$(ask -r '.paths | to_entries[] | .key as $p | .value | keys[]
	| select(IN("get", "put", "post", "patch", "delete")) | "\(ascii_upcase) \($p)"' | sort)
routed=$("$RBD_REST_API_BIN" --routes | sort)
is "$(comm -23 <(echo "$routed") <(echo "$documented"))" "" "every route in the router table is documented"
is "$(comm -13 <(echo "$routed") <(echo "$documented"))" "" "every documented operation is a route"
like "$(echo "$routed" | wc -l)" '^[1-9][0-9]+$' "(the table has $(echo "$routed" | wc -l) routes)"

# Every reference points somewhere, and every path parameter is declared.
dangling=$(ask -r '[.. | objects | .["$ref"]? // empty] | unique[]' | while read -r ref; do
	ask -e --arg p "${ref#\#/}" 'getpath($p | split("/")) != null' >/dev/null || echo "$ref"
done)
is "$dangling" "" "every \$ref resolves"
undeclared=$(ask -r '.paths | to_entries[] | .key as $p
	| ([$p | scan("\\{([a-z_]+)\\}") | .[0]] | sort) as $want
	| ([.value.parameters[]?."$ref" | ltrimstr("#/components/parameters/")] ) as $refs
	| select(($want - [$refs[] | if . == "trash_id" or . == "task_id" or . == "image_id" then "id" else . end]) != [])
	| $p')
is "$undeclared" "" "every {capture} of every path is a declared parameter"
is "$(ask '[.paths[][] | objects | select(has("responses") | not)] | length')" 0 \
	"every operation lists its responses"

# The source file is what the daemon serves, plus the namespaced image
# and group paths.
src_paths=$(jq '.paths | length' "$RBD_REST_API_SRCDIR/src/openapi.json")
twinned_paths=$(jq '[.paths | keys[] | select(startswith("/api/v1/pools/{pool}/images")
	or startswith("/api/v1/pools/{pool}/groups"))] | length' "$RBD_REST_API_SRCDIR/src/openapi.json")
is "$(ask '.paths | length')" "$((src_paths + twinned_paths))" \
	"the served document is src/openapi.json plus a namespaced twin of each image and group path"

done_testing
