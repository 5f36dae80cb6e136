#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Sparsify: an image whose data was overwritten with zeros (as an upload
# of a raw disk image writes its empty parts) still uses the space; POST
# .../sparsify gives it back, in the request or as a task. Checked with
# `rbd du`. Every 4xx.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images

# used IMAGE: what `rbd du` counts for the image's head.
used() {
	rbd du --format json "rbd/$1" 2>/dev/null | jq -r '.images[-1].used_size'
}

# zeroed IMAGE: 12 MiB of data (three 4 MiB objects), then the second and
# third objects overwritten with zeros: 12 MiB used, 4 MiB of it data.
zeroed() {
	local prefix
	rbd bench --io-type write --io-size 4M --io-threads 1 --io-total 12M "rbd/$1" >/dev/null 2>&1
	prefix=$(rbd info --format json "rbd/$1" | jq -r .block_name_prefix)
	head -c 4M /dev/zero >"$zeros"
	rados -p rbd put "$prefix.0000000000000001" "$zeros"
	rados -p rbd put "$prefix.0000000000000002" "$zeros"
}
zeros=$(mktemp /tmp/rbd-rest-api-zeros.XXXXXX)
at_exit "rm -f '$zeros'"

story "sparsify in the request"
img=$(unique sparse)
api POST $base "{\"name\":\"$img\",\"size\":\"64M\",\"features\":[\"layering\"]}"
expect_status 201 "create an image"
at_exit "api DELETE '$base/$img'"
zeroed "$img"
is "$(used "$img")" 12582912 "rbd du: 12 MiB used, 8 MiB of it zeros"
api POST "$base/$img/sparsify"
expect_status 200 "sparsified"
is "$(field .Kind)/$(field .name)" "Image/$img" "answers the Image"
is "$(used "$img")" 4194304 "rbd du: only the 4 MiB of data is left"
rbd export "rbd/$img" - 2>/dev/null | head -c 4M | tr -d '\0' | wc -c | grep -qv '^0$'
ok $? "the data is still there"
story ""

story "sparsify as a task, with a sparse_size"
img2=$(unique sparse)
api POST $base "{\"name\":\"$img2\",\"size\":\"64M\",\"features\":[\"layering\",\"exclusive-lock\",\"object-map\",\"fast-diff\"]}"
expect_status 201 "create an image with fast-diff"
at_exit "api DELETE '$base/$img2'"
zeroed "$img2"
rbd object-map rebuild "rbd/$img2" >/dev/null 2>&1
is "$(used "$img2")" 12582912 "rbd du: 12 MiB used"
api POST "$base/$img2/sparsify?async=true" '{"sparse_size":"64K"}'
expect_status 202 "accepted as a task"
is "$(field .operation)/$(field .image.name)" "sparsify/$img2" "a sparsify task of the image"
task=$(header Location)
like "$task" '^/api/v1/tasks/' "Location: the task"
wait_task "$task"
is "$(field .status)/$(field .progress)" succeeded/1 "the task succeeded"
is "$(used "$img2")" 4194304 "rbd du: 4 MiB used"
story ""

## 4xx

api POST "$base/$img/sparsify" '{"sparse_size":1024}'
expect_error 400 BadRequest 'field "sparse_size" must be a power of two of at least 4096 bytes' "too small"
api POST "$base/$img/sparsify" '{"sparse_size":12288}'
expect_error 400 BadRequest 'field "sparse_size" must be a power of two' "not a power of two"
api POST "$base/$img/sparsify" '{"sparse_size":"8M"}'
expect_error 400 BadRequest 'field "sparse_size" must not exceed the object size of image rbd/.* \(4194304 bytes' \
	"larger than the object size"
api POST "$base/$img/sparsify" '{"sparse_size":"lots"}'
expect_error 400 BadRequest 'sparse_size' "not a size"
api POST "$base/$img/sparsify" '{"size":4096}'
expect_error 400 BadRequest 'size' "an unknown field"
api POST "$base/$img/sparsify?async=maybe"
expect_error 400 BadRequest 'async' "async that is not a boolean"
api POST "$base/nothing-$$/sparsify"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "a missing image"
api POST "/api/v1/pools/nopool-$$/images/$img/sparsify"
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing pool"

done_testing
