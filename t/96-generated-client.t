#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A client generated from the served OpenAPI document by tools nobody here
# wrote, as a platform team would make one: openapi-typescript turns
# GET /api/v1/openapi.json into TypeScript types, t/client/tour.mts runs
# the README's tour with openapi-fetch on them (create, get, snapshot,
# clone, delete, errors read as Status), tsc type-checks it with strict
# on, and node runs it against the stack. A type that does not fit the
# answers is a defect of src/openapi.json, never corrected here.
. "$(dirname "$0")/lib/test-lib.sh"

npm_dir=/usr/local/lib/rbd-rest-api/npm-client
for tool in node "$npm_dir/node_modules/.bin/openapi-typescript" "$npm_dir/node_modules/.bin/tsc"; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is missing (t/install-deps installs it)"
		exit 0
	fi
done
work=$(mktemp -d /tmp/rbd-rest-api-client.XXXXXX)
_t_extra_dirs+=("$work")
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }

# The document as the service serves it (not the source file).
api GET /api/v1/openapi.json
expect_status 200 "GET /api/v1/openapi.json"
printf '%s' "$BODY" >"$work/openapi.json"

cp "$T_DIR/client/tour.mts" "$T_DIR/client/tsconfig.json" "$work/"
ln -s "$npm_dir/node_modules" "$work/node_modules"
out=$(cd "$work" && node_modules/.bin/openapi-typescript openapi.json -o schema.d.ts 2>&1)
status=$?
ok "$status" "openapi-typescript generates types from the served document"
[ "$status" = 0 ] || diag "$out"
# OpenAPI's warnings (unknown formats, refs it could not follow) mean the
# generated types are not the document's.
is "$(printf '%s\n' "$out" | grep -iE 'warn|error' | head -n 5)" "" "without a warning"

out=$(cd "$work" && node_modules/.bin/tsc --noEmit -p . 2>&1)
status=$?
ok "$status" "tsc --noEmit (strict, exactOptionalPropertyTypes) accepts the tour on those types"
[ "$status" = 0 ] || diag "$out"
grep -q '"strict": true' "$work/tsconfig.json"
ok $? "with strict on"

out=$(cd "$work" && node_modules/.bin/tsc -p . 2>&1)
status=$?
ok "$status" "tsc compiles it"
[ "$status" = 0 ] || diag "$out"

name=$(unique client)
at_exit "rbd -c $CEPH_CONF rm rbd/$name-clone >/dev/null 2>&1
	rbd -c $CEPH_CONF snap unprotect rbd/$name-vol@golden >/dev/null 2>&1
	rbd -c $CEPH_CONF snap purge rbd/$name-vol >/dev/null 2>&1
	rbd -c $CEPH_CONF rm rbd/$name-vol >/dev/null 2>&1"
SECONDS=0
out=$(cd "$work" && env RBD_API_URL="$RBD_API_URL" RBD_API_USER="$RBD_API_USER" \
	RBD_API_PASSWORD="$RBD_API_PASSWORD" NODE_EXTRA_CA_CERTS="$RBD_API_CACERT" \
	TOUR_POOL=rbd TOUR_NAME="$name" timeout 120 node out/tour.mjs 2>&1)
status=$?
ok "$status" "node runs the tour against the service (${SECONDS}s)"
steps=$(printf '%s\n' "$out" | grep -c '^ok - ')
is "$steps" 17 "every step of it answered as the tour says"
diag "$out"
rbd -c "$CEPH_CONF" info "rbd/$name-vol" >/dev/null 2>&1
ok "$([ $? != 0 ]; echo $?)" "and it left nothing behind"

done_testing
