#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The layers of src/ (see t/lib/layers.py): no lower layer includes a
# higher one, core stands alone, and only the layers that talk to the
# cluster include librados/librbd or call them; no include circles
# between modules. Pure: no stack needed.
set -u
src=${RBD_REST_API_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
check=$src/t/lib/layers.py
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

out=$(python3 "$check" "$src/src" 2>&1)
rc=$?
result "$rc" "src/ keeps its layers"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

# The check itself: a wrong include added to a copy of the tree is caught,
# named by file and line.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Sources only: a build in the tree leaves objects and the daemon there.
(cd "$src" && find src -name '*.[ch]' -print0 | xargs -0 cp --parents -t "$tmp")
printf '#include "api.h"\n' >>"$tmp/src/rbd/image_json.c"
lines=$(wc -l <"$tmp/src/rbd/image_json.c")
out=$(python3 "$check" "$tmp/src" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && [[ $out == *"src/rbd/image_json.c:$lines: the rbd layer may not include api/api.h"* ]]
result $? "an rbd file including api.h is caught, with its file and line"
[ "$rc" -ne 0 ] || echo "#   the checker passed a tree with a wrong include"

cp "$src/src/process/master.c" "$tmp/src/process/master.c"
printf 'static void leak(void) { rados_shutdown(0); }\n' >>"$tmp/src/process/master.c"
out=$(python3 "$check" "$tmp/src" 2>&1)
[[ $out == *"src/process/master.c:"*"calls rados_shutdown"* ]]
result $? "the process layer calling librados is caught"

cp "$src/src/api/api_image_ids.c" "$tmp/src/api/api_image_ids.c"
printf 'static int peek(rbd_image_t i) { return rbd_flatten(i); }\n' >>"$tmp/src/api/api_image_ids.c"
out=$(python3 "$check" "$tmp/src" 2>&1)
[[ $out == *"src/api/api_image_ids.c:"*"the api layer calls rbd_flatten"* ]]
result $? "a handler calling librbd itself is caught"

# An include circle: authz.c includes api.h, so api.h including authz.h
# closes one; it is named with its modules and the lines that close it.
# A second one (api_images.c and api_clones.c including each other's
# headers) is listed in an allow-list of the test's own, so it is not.
cp "$src/src/api/api_image_ids.c" "$tmp/src/api/api_image_ids.c"
cp "$src/src/api/api.h" "$tmp/src/api/api.h"
sed -i 's/^#include "request.h"$/#include "request.h"\n#include "authz.h"/' "$tmp/src/api/api.h"
printf '#include "api_images.h"\n' >>"$tmp/src/api/api_clones.c"
printf '[circles]\nsrc/api/api_clones,src/api/api_images  the check'"'"'s own example\n' >"$tmp/allow"
out=$(LAYERS_ALLOW=$tmp/allow python3 "$check" "$tmp/src" 2>&1)
[[ $out == *"include circle of "*"src/api/api.c/.h, "*"src/api/authz.c/.h"*"src/api/api.h:"*" includes authz.h"* ]]
result $? "an include circle is caught, with its modules and the includes that close it"
[[ $out != *"api_clones"* ]]
result $? "a circle listed in t/lib/layers-allow is not reported"

# An entry for a circle that is gone fails, so the list only shrinks.
cp "$src/src/api/api.h" "$tmp/src/api/api.h"
cp "$src/src/api/api_clones.c" "$tmp/src/api/api_clones.c"
out=$(LAYERS_ALLOW=$tmp/allow python3 "$check" "$tmp/src" 2>&1)
[[ $out == *"t/lib/layers-allow: the circle src/api/api_clones,src/api/api_images is gone"* ]]
result $? "an allowed circle that is gone is reported"

# Every source file says its licence in its first lines (LICENSE).
missing=$(cd "$src" && git ls-files 'src/*.c' 'src/*.h' 't/*.c' 't/*.h' 't/*.t' 't/*.sh' 't/*.py' 2>/dev/null |
	while read -r f; do head -3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || echo "$f"; done)
[ -z "$missing" ]
result $? "every source file carries an SPDX licence line"
[ -z "$missing" ] || printf '#   %s\n' $missing

echo "1..$n"
exit "$failed"
