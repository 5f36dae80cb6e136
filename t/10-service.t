#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The service as a client first meets it: health, version, the envelope,
# request ids, authentication, and plain HTTP.
. "$(dirname "$0")/lib/test-lib.sh"

api GET /api/v1/health
expect_status 200 "health answers 200"
is "$(field .Kind)" Health "health is a Health"
is "$(field .APIVersion)" v1 "with APIVersion v1"
is "$(field .status)" ok "status ok"
like "$(field .fsid)" '^[0-9a-f-]{36}$' "names the cluster fsid"
like "$(field .pid)" '^[0-9]+$' "and the worker pid"
like "$(header Content-Type)" '^application/json; charset=utf-8$' "JSON content type"
like "$(header X-Request-Id)" '^[0-9a-f]{32}$' "X-Request-Id from nginx"
is "$(printf '%s\n' "$HEADERS" | grep -ci '^x-request-id:')" 1 "exactly one X-Request-Id"

api GET /api/v1/health/
expect_status 200 "a trailing slash is accepted"

api GET /api/v1/version
expect_status 200 "version answers"
is "$(field .Kind)" Version "Version kind"
like "$(field .version)" '^[0-9]+\.[0-9]+\.[0-9]+' "our version"
like "$(field .librados)" '^[0-9]+\.[0-9]+\.[0-9]+$' "librados version"
like "$(field .librbd)" '^[0-9]+\.[0-9]+\.[0-9]+$' "librbd version"

api HEAD /api/v1/version
expect_status 200 "HEAD answers like GET"
# curl --head puts the header block where the body would go.
ok "$([[ $BODY != *'{'* ]]; echo $?)" "without a body"

# Authentication is nginx's job; its answers are JSON too.
out=$(curl -sS --cacert "$RBD_API_CACERT" -D - "$RBD_API_URL/api/v1/pools")
STATUS=$(printf '%s\n' "$out" | awk 'NR==1 {print $2}')
HEADERS=$out
BODY=$(printf '%s\n' "$out" | sed -n '/^\r$/,$p' | tail -n +2)
expect_error 401 Unauthorized 'authentication required' "no credentials"
like "$(header WWW-Authenticate)" '^Basic realm=' "asks for basic auth"
like "$(header X-Request-Id)" '^[0-9a-f]{32}$' "and carries a request id"

out=$(curl -sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:wrong" -o /dev/null -w '%{http_code}' \
	"$RBD_API_URL/api/v1/pools")
is "$out" 401 "wrong password is 401"

out=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$RBD_API_HTTP_URL/api/v1/pools?x=1")
like "$out" "^301 https://[^/]+/api/v1/pools\\?x=1$" "plain HTTP redirects to HTTPS"

done_testing
