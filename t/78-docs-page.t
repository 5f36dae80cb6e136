#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The API reference as a page: GET /api/docs is Swagger UI (npm
# swagger-ui-dist, served by nginx behind the same basic auth) showing the
# document the service serves. A real browser, Debian's chromium driven
# headless by playwright-core, finds every tag and every operation of the
# document on the page, and "Try it out" on the health check gets its 200.
. "$(dirname "$0")/lib/test-lib.sh"

modules=/usr/local/lib/rbd-rest-api/npm/node_modules
for need in /usr/bin/chromium "$modules/playwright-core" "$modules/swagger-ui-dist"; do
	if [ ! -e "$need" ]; then
		echo "1..0 # SKIP $need is missing (t/install-deps installs it)"
		exit 0
	fi
done

story "the page and its files, behind the login"
api GET /api/docs
expect_status 200 "GET /api/docs"
like "$(header Content-Type)" '^text/html' "is an HTML page"
like "$BODY" '/api/v1/openapi\.json' "that loads the service's own document"
api GET /api/docs/swagger-ui-bundle.js
expect_status 200 "Swagger UI's script is served"
api GET /api/docs/
is "$STATUS $(header Location)" "301 $RBD_API_URL/api/docs" "/api/docs/ sends to /api/docs"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$RBD_API_CACERT" "$RBD_API_URL/api/docs")
is "$code" 401 "without a login: 401"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$RBD_API_CACERT" \
	"$RBD_API_URL/api/docs/swagger-ui-bundle.js")
is "$code" 401 "Swagger UI's files too"
story ""

api GET /api/v1/openapi.json
doc=$BODY
want_tags=$(printf '%s' "$doc" | jq -r '.tags[].name' | sort)
want_ops=$(printf '%s' "$doc" | jq -r '.paths | to_entries[] | .key as $p | .value | keys[]
	| select(IN("get", "put", "post", "patch", "delete")) | "\(ascii_upcase) \($p)"' | sort)

story "in a browser"
page=$(NODE_PATH=$modules timeout 180 node "$T_DIR/lib/docs-page.js" \
	"$RBD_API_URL" "$RBD_API_USER" "$RBD_API_PASSWORD")
ok $? "chromium loads the page"
is "$(printf '%s' "$page" | jq -r '.errors[]?')" "" "no script error on the page"
is "$(printf '%s' "$page" | jq -r .status)" 200 "the page answers 200"
is "$(printf '%s' "$page" | jq -r '.tags[]?' | sort -u)" "$want_tags" "every tag of the document, and no other"
is "$(printf '%s' "$page" | jq -r '.operations[]?' | sort -u)" "$want_ops" \
	"every operation of the document ($(echo "$want_ops" | wc -l)), and no other"
is "$(printf '%s' "$page" | jq -r .tryStatus)" 200 "Try it out on GET /api/v1/health: the service answers 200"
is "$(printf '%s' "$page" | jq -r .tryShown)" 200 "and the page shows the 200"
story ""

done_testing
