#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Entity tags: a client reads a resource, remembers its ETag, and changes
# it only if nobody else did meanwhile (If-Match, else 412), or asks again
# cheaply (If-None-Match, 304). The tag follows the cluster: a change made
# with the rbd CLI changes it too. Every kind of single resource has one.
. "$(dirname "$0")/lib/test-lib.sh"

img=$(unique etag)
base=/api/v1/pools/rbd/images
at_exit "rbd snap purge rbd/$img >/dev/null 2>&1; rbd rm rbd/$img >/dev/null 2>&1"

api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 201 "create an image"

story "an Image has a strong ETag that holds while nothing changes"
api GET "$base/$img"
tag=$(header ETag)
like "$tag" '^"[0-9a-f]{16}"$' "a quoted strong tag"
api GET "$base/$img"
is "$(header ETag)" "$tag" "the same tag when read again"
api HEAD "$base/$img"
is "$(header ETag)" "$tag" "HEAD gives it too"

story "If-None-Match: 304 without a body while it holds"
api GET "$base/$img" "" -H "If-None-Match: $tag"
expect_status 304 "If-None-Match with the current tag"
is "$BODY" "" "no body"
is "$(header ETag)" "$tag" "the tag is repeated"
api GET "$base/$img" "" -H 'If-None-Match: "0000000000000000", W/'"$tag"
expect_status 304 "a list of tags, the weak form matching too"
api GET "$base/$img" "" -H 'If-None-Match: "0000000000000000"'
expect_status 200 "another tag: the full answer"

story "If-Match: a change only when nobody changed it meanwhile"
api PATCH "$base/$img" '{"size":"16M"}' -H 'If-Match: "0000000000000000"'
expect_error 412 PreconditionFailed 'does not match the current entity tag' "a stale tag: 412"
is "$(rbd info "rbd/$img" --format json | jq .size)" 8388608 "and nothing changed"
api PATCH "$base/$img" '{"size":"16M"}' -H "If-Match: $tag"
expect_status 200 "the current tag: changed"
new=$(header ETag)
ok "$([ -n "$new" ] && [ "$new" != "$tag" ]; echo $?)" "the answer carries a new tag"
api GET "$base/$img"
is "$(header ETag)" "$new" "the one GET now gives"
api PATCH "$base/$img" '{"size":"32M"}' -H "If-Match: $tag"
expect_error 412 PreconditionFailed 'changed since it was read' "the old tag no longer matches"
api PATCH "$base/$img" '{"size":"16M"}' -H 'If-Match: *'
expect_status 200 "If-Match: * for any current image"

story "a change made with the CLI changes the tag"
api GET "$base/$img"
tag=$(header ETag)
rbd image-meta set "rbd/$img" cli-key yes
api GET "$base/$img"
ok "$([ "$(header ETag)" != "$tag" ]; echo $?)" "metadata set with rbd image-meta: new Image tag"
tag=$(header ETag)
rbd resize --size 24M "rbd/$img" >/dev/null 2>&1
api GET "$base/$img" "" -H "If-None-Match: $tag"
expect_status 200 "resized with rbd resize: the old tag is not current"

story "every kind of single resource has one"
api POST "$base/$img/snapshots" '{"name":"s1"}'
expect_status 201 "a snapshot"
api GET "$base/$img/snapshots/s1"
stag=$(header ETag)
like "$stag" '^"[0-9a-f]{16}"$' "Snapshot"
api PATCH "$base/$img/snapshots/s1" '{"protected":true}' -H 'If-Match: "0000000000000000"'
expect_error 412 PreconditionFailed 'does not match' "a stale tag on a snapshot change"
api PATCH "$base/$img/snapshots/s1" '{"protected":true}' -H "If-Match: $stag"
expect_status 200 "the current one"
api PATCH "$base/$img/snapshots/s1" '{"protected":false}'
api POST "$base/$img/snapshots/s1/rollback" '' -H 'If-Match: "0000000000000000"'
expect_error 412 PreconditionFailed 'does not match' "a POST action checks the tag of what it acts on"
api DELETE "$base/$img/snapshots/s1" "" -H 'If-Match: "0000000000000000"'
expect_error 412 PreconditionFailed 'does not match' "a stale tag on a snapshot delete"
api GET "$base/$img/snapshots/s1"
api DELETE "$base/$img/snapshots/s1" "" -H "If-Match: $(header ETag)"
expect_status 204 "deleted with the current tag"

api PUT "$base/$img/metadata/owner" '{"value":"a"}'
api GET "$base/$img/metadata/owner"
mtag=$(header ETag)
like "$mtag" '^"[0-9a-f]{16}"$' "MetadataEntry"
api PUT "$base/$img/metadata/owner" '{"value":"b"}' -H "If-Match: $mtag"
expect_status 200 "replaced with the current tag"
api PUT "$base/$img/metadata/owner" '{"value":"c"}' -H "If-Match: $mtag"
expect_error 412 PreconditionFailed 'does not match' "not with the old one"
is "$(rbd image-meta get "rbd/$img" owner)" b "the value the matching request set"

api GET /api/v1/pools/rbd
like "$(header ETag)" '^"[0-9a-f]{16}"$' "Pool"
api GET "$base/$img/qos"
like "$(header ETag)" '^"[0-9a-f]{16}"$' "QoS (a PUT-able resource)"
api GET "$base"
is "$(header ETag)" "" "a list has none"

ns=$(unique ns)
api POST /api/v1/pools/rbd/namespaces "{\"name\":\"$ns\"}"
at_exit "rbd namespace remove rbd/$ns >/dev/null 2>&1"
api GET "/api/v1/pools/rbd/namespaces/$ns"
like "$(header ETag)" '^"[0-9a-f]{16}"$' "Namespace"
api DELETE "/api/v1/pools/rbd/namespaces/$ns" "" -H 'If-Match: "0000000000000000"'
expect_error 412 PreconditionFailed 'does not match' "a stale tag on a namespace delete"
api DELETE "/api/v1/pools/rbd/namespaces/$ns" "" -H "If-Match: $(api GET "/api/v1/pools/rbd/namespaces/$ns"; header ETag)"
expect_status 204 "deleted with the current tag"

api POST "$base/$img/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$img-copy\"}"
at_exit "rbd rm rbd/$img-copy >/dev/null 2>&1"
expect_status 202 "a task"
task=$(header Location)
wait_task "$task"
api GET "$task"
like "$(header ETag)" '^"[0-9a-f]{16}"$' "Task"

story "preconditions come after the object's own errors"
api PATCH "$base/nothing-$img" '{"size":"16M"}' -H 'If-Match: "0000000000000000"'
expect_error 404 NotFound 'does not exist' "a missing image is 404, not 412"
api POST /api/v1/pools '{"name":"x"}' -H 'If-Match: *'
expect_error 412 PreconditionFailed 'not about a resource with an entity tag' \
	"If-Match where nothing has a tag"

done_testing
