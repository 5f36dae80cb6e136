#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Someone else's tool agrees the OpenAPI document is sound: Redocly's
# linter (npm @redocly/cli, pinned in npm/package.json and installed by
# t/install-deps) finds no error and no warning in the document the
# service serves, with the rules of redocly.yaml (which explains the two
# it turns off).
. "$(dirname "$0")/lib/test-lib.sh"

redocly=/usr/local/lib/rbd-rest-api/npm/node_modules/.bin/redocly
if [ ! -x "$redocly" ]; then
	echo "1..0 # SKIP $redocly is missing (t/install-deps installs it)"
	exit 0
fi
work=$(mktemp -d /tmp/rbd-rest-api-lint.XXXXXX)
at_exit "rm -rf $work"

api GET /api/v1/openapi.json
expect_status 200 "the served document"
printf '%s\n' "$BODY" >"$work/openapi.json"

# No telemetry and no update check: the test runs offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
(cd "$work" && "$redocly" lint --config "$T_DIR/../redocly.yaml" --format=json openapi.json \
	>report.json 2>lint.log)
ok $? "redocly lint passes"
problems() {
	jq -r --arg s "$1" '.problems[] | select(.severity == $s)
		| "\(.ruleId) at \(.location[0].pointer): \(.message)"' "$work/report.json"
}
is "$(problems error)" "" "no errors"
is "$(problems warn)" "" "no warnings"
like "$(jq '.totals | .errors + .warnings' "$work/report.json")" '^0$' "totals agree"

done_testing
