#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The API surface is written once: the route table (src/api/routes.c),
# whose body column names the field rules beside each handler. What the
# daemon prints with --surface is compared with src/openapi.json (every
# route an operation and back, query parameters, body fields, their types,
# null and required-ness) and docs/api.md (every route mentioned) by
# t/lib/surface.py. Pure: no cluster, no nginx.
set -u
src=${RBD_REST_API_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${RBD_REST_API_BIN:-$src/src/rbd-rest-api}
check=$src/t/lib/surface.py
n=0
failed=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=1
		echo "not ok $n - $2"
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" --surface >"$tmp/surface.json"
result $? "rbd-rest-api --surface prints the table"
python3 -c 'import json, sys; t = json.load(open(sys.argv[1])); assert len(t) > 100' \
	"$tmp/surface.json"
result $? "as JSON, one entry a route"

surface() {
	python3 "$check" "$tmp/surface.json" "$1" --src "${2:-$src/src}" --docs "${3:-$src/docs/api.md}" \
		--allow "${4:-$src/t/lib/surface-allow}" 2>&1
}
out=$(surface "$src/src/openapi.json")
rc=$?
result "$rc" "src/openapi.json, docs/api.md and the route table agree"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

# The check itself: each kind of disagreement in a copy is caught, named
# by route and field.
broken() {   # PYTHON: a statement changing d, the document, in a copy
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = d["components"]["schemas"]
p = d["paths"]
exec(sys.argv[2])
json.dump(d, open(sys.argv[3], "w"))' "$src/src/openapi.json" "$1" "$tmp/openapi.json" &&
		surface "$tmp/openapi.json"
}
caught() {   # OUTPUT WANT DESCRIPTION
	[[ $1 == *"$2"* ]]
	result $? "$3"
	[[ $1 == *"$2"* ]] || printf '%s\n' "$1" | head -5 | sed 's/^/#   /'
}
snap='POST /api/v1/pools/{pool}/images/{image}/snapshots'
out=$(broken 'del s["SnapshotCreate"]["properties"]["quiesce"]')
caught "$out" "$snap: field quiesce is read by the code, missing from the document" \
	"a body field the document lacks"
out=$(broken 's["SnapshotCreate"]["properties"]["extra"] = {"type": "string"}')
caught "$out" "$snap: field extra is in the document, the code refuses it" \
	"a body field the code does not take"
out=$(broken 's["SnapshotCreate"]["properties"]["quiesce"] = {"type": "string"}')
caught "$out" "$snap: field quiesce is bool in the code, the document says string" \
	"a field of the wrong type"
out=$(broken 'del s["SnapshotCreate"]["additionalProperties"]')
caught "$out" "$snap: the code refuses any other field" \
	"a body the document leaves open"
out=$(broken 's["SnapshotCreate"]["required"] = []')
caught "$out" "$snap: field name is required by the code, optional in the document" \
	"a required field the document makes optional"
out=$(broken 's["SnapshotLimitPut"]["properties"]["limit"]["type"] = "integer"')
caught "$out" "snapshot-limit: field limit is uint or null in the code, the document says integer" \
	"null accepted by the code, not by the document"
out=$(broken 's["ImageCreate"]["properties"]["parent"]["properties"]["snapshot_id"]["minimum"] = -1')
caught "$out" "POST /api/v1/pools/{pool}/images parent: field snapshot_id is uint in the code" \
	"a field of an object field (a clone's parent)"
out=$(broken 'del p["/api/v1/pools"]["get"]["parameters"]')
caught "$out" "GET /api/v1/pools: query parameter detail is accepted, not documented" \
	"a query parameter the document lacks"
out=$(broken 'del p["/api/v1/tasks/{id}"]["delete"]')
caught "$out" "DELETE /api/v1/tasks/{id}: a route the document does not describe" \
	"a route without an operation"
out=$(broken 'p["/api/v1/tasks/{id}"]["put"] = p["/api/v1/tasks/{id}"]["delete"]')
caught "$out" "PUT /api/v1/tasks/{id}: documented, but no route serves it" \
	"an operation without a route"
out=$(broken 'del p["/api/v1/pools/{pool}/images/{image}/trash"]["post"]["requestBody"]')
caught "$out" "POST /api/v1/pools/{pool}/namespaces/{namespace}/images/{image}/trash: the route reads a JSON body, the document has none" \
	"a body the document lacks, on the namespaced twin too"

# The source: a field_spec no route names, or one kept static.
cp -r "$src/src" "$tmp/src"
printf 'const struct field_spec stray_fields[] = {\n\t{NULL, 0, 0},\n};\n' >>"$tmp/src/api/api_trash.c"
printf 'static const struct field_spec hidden_fields[] = {\n\t{NULL, 0, 0},\n};\n' >>"$tmp/src/api/api_qos.c"
out=$(surface "$src/src/openapi.json" "$tmp/src")
caught "$out" "src/api/api_trash.c:" "a body rule no route names is caught, with its file"
caught "$out" "field_spec stray_fields is named by no route" "(and its name)"
caught "$out" "field_spec hidden_fields is static" "a static body rule is caught"
sed -i 's/\.body = snapshot_create_fields/.body = snapshot_patch_fields/' "$tmp/src/api/routes.c"
out=$(surface "$src/src/openapi.json" "$tmp/src")
caught "$out" "api_snapshot_create reads its body with snapshot_create_fields, its route names snapshot_patch_fields" \
	"a route naming another array than its handler reads is caught"

# The docs: a route docs/api.md does not mention; a stale allow entry.
grep -v 'namespaces/tenant-a"' "$src/docs/api.md" | grep -v '^| `DELETE /api/v1/pools/{pool}/namespaces' >"$tmp/api.md"
out=$(surface "$src/src/openapi.json" "$src/src" "$tmp/api.md")
caught "$out" "docs/api.md mentions no DELETE /api/v1/pools/{pool}/namespaces/{namespace}" \
	"a route the API page does not mention"
{ cat "$src/t/lib/surface-allow"; echo 'GET /api/v1/health nothing  a difference long fixed'; } >"$tmp/allow"
out=$(surface "$src/src/openapi.json" "$src/src" "$src/docs/api.md" "$tmp/allow")
caught "$out" "GET /api/v1/health nothing: stale entry" "a stale allow-list entry is caught"

echo "1..$n"
exit "$failed"
