#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# TLS as a scanner sees it: Debian's testssl.sh, run against the stack's
# nginx (the project's real server block), finds nothing rated HIGH or
# CRITICAL, and Strict-Transport-Security is sent. About a minute.
. "$(dirname "$0")/lib/test-lib.sh"

if ! command -v testssl >/dev/null; then
	echo "1..0 # SKIP testssl is missing (t/install-deps installs testssl.sh)"
	exit 0
fi
work=$(mktemp -d /tmp/rbd-rest-api-testssl.XXXXXX)
at_exit "rm -rf $work"

# --add-ca: the stack's certificate is its own CA, which clients are given
# (curl --cacert); the scan trusts it the same way. The URL is an API path,
# so the HTTP header checks see what API clients get (a 401 without login).
timeout 600 testssl --quiet --color 0 --warnings off --add-ca "$RBD_API_CACERT" \
	--jsonfile "$work/scan.json" "$RBD_API_URL/api/v1/health" >"$work/scan.txt" 2>&1
# Its exit status counts findings; a finished scan records its duration.
like "$(jq -r '.[] | select(.id == "scanTime") | .finding' "$work/scan.json" 2>/dev/null)" \
	'^[0-9]+$' "testssl ran to the end"
findings() {
	jq -r "$1"' | "\(.severity) \(.id): \(.finding)"' "$work/scan.json" 2>/dev/null
}
findings '.[] | select(.severity == "HIGH" or .severity == "CRITICAL" or .severity == "MEDIUM"
	or .severity == "LOW")' | sed 's/^/# finding: /'
# cert_revocation: the certificate is the harness's own, made for the run,
# and a private test CA publishes no CRL and runs no OCSP responder; a
# site's certificate comes from its CA, which does. Every other finding
# is about the server's setup and counts.
is "$(findings '.[] | select(.severity == "HIGH" or .severity == "CRITICAL")
	| select(.id != "cert_revocation")')" "" "no finding rated HIGH or CRITICAL"
is "$(findings '.[] | select(.id == "cipher_order")')" "OK cipher_order: server" \
	"the server's cipher order applies"
is "$(jq -r '[.[] | select(.id | test("^(SSLv2|SSLv3|TLS1|TLS1_1)$")) | .finding] | unique | join(",")' \
	"$work/scan.json")" "not offered" "SSLv2, SSLv3, TLS 1.0 and 1.1 are refused"
is "$(findings '.[] | select(.id == "cert_chain_of_trust")')" "OK cert_chain_of_trust: passed." \
	"the certificate chain verifies against the stack's CA"

# The scanner sees HSTS on the API's answers (testssl reports it as
# HSTS_time, rated OK from 180 days on).
like "$(findings '.[] | select(.id == "HSTS_time")')" '^OK HSTS_time: 365 days' \
	"Strict-Transport-Security is sent, for a year"

done_testing
