#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Importing an image from a URL, as an operator brings a cloud image in:
# a raw and a qcow2 file (made with qemu-img) served from 127.0.0.1, each
# imported as a task and compared by sha256 with what `qemu-img convert
# -O raw` makes of it. Then what must not work: a URL the administrator did
# not allow (403 naming import_url_allow), one that is not http(s) or is
# malformed (400), a server that is not there or answers 404, content that
# is not what it says, a cancel: each leaves no image, no unfinished image
# and no migration behind. The stack allows http://127.0.0.1:*/* (stack.sh).
. "$(dirname "$0")/lib/test-lib.sh"
. "$T_DIR/lib/ports.sh"

if ! command -v qemu-img >/dev/null; then
	echo "1..0 # SKIP qemu-img (Debian package qemu-utils) is not installed"
	exit 0
fi

base=/api/v1/pools/rbd/images
work=$(mktemp -d /tmp/rbd-rest-api-import.XXXXXX)
servers=()
made=()
cleanup() {
	local pid i
	for pid in "${servers[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for i in "${made[@]}"; do
		rbd rm "rbd/$i" >/dev/null 2>&1
	done
	rm -rf "$work"
}
at_exit cleanup

export_sha() { rbd export "$1" - 2>/dev/null | sha256sum | cut -d' ' -f1; }

# serve DIR [DELAY]: a server with byte ranges on a free port of 127.0.0.1
# (t/lib/range_server.py); sets PORT.
serve() {
	local portfile=$work/port.$RANDOM i
	python3 "$T_DIR/lib/range_server.py" "$1" "$portfile" "${2:-0}" 2>>"$work/http.log" &
	servers+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -s "$portfile" ] && break
		sleep 0.1
	done
	PORT=$(cat "$portfile")
}

# import NAME URL FORMAT [MORE-JSON]: POST the import; sets STATUS/BODY.
import() {
	api POST "$base" "{\"name\":\"$1\",\"source\":{\"url\":\"$2\",\"format\":\"$3\"}${4:+,$4}}"
}

# nothing_left NAME DESC: no image, no unfinished image, no migration.
nothing_left() {
	is "$(rbd ls rbd | grep -c "^$1")" 0 "$2: no image named $1 (nor $1.unfinished-*) is left"
	is "$(rbd trash ls rbd | grep -c "$1")" 0 "$2: nor in the trash"
}

# Sources: 20 MiB with data at the start, in the middle and at the end,
# holes between; its qcow2 form; a file that is no qcow2.
mkdir "$work/srv"
qemu-img create -q -f raw "$work/srv/disk.raw" 20M
head -c 3000000 /dev/urandom | dd of="$work/srv/disk.raw" conv=notrunc status=none
head -c 1000000 /dev/urandom | dd of="$work/srv/disk.raw" bs=1M seek=9 conv=notrunc status=none
printf 'the last bytes' | dd of="$work/srv/disk.raw" bs=1 seek=$((20 * 1048576 - 14)) \
	conv=notrunc status=none
qemu-img convert -f raw -O qcow2 "$work/srv/disk.raw" "$work/srv/disk.qcow2"
head -c 100000 /dev/urandom >"$work/srv/garbage.bin"
qemu-img convert -f raw -O raw "$work/srv/disk.raw" "$work/raw.expected"
qemu-img convert -f qcow2 -O raw "$work/srv/disk.qcow2" "$work/qcow2.expected"
serve "$work/srv"
url=http://127.0.0.1:$PORT

story "import a raw file"
img=$(unique imp-raw)
made+=("$img")
import "$img" "$url/disk.raw" raw
expect_status 202 "POST with a source answers 202"
is "$(field .Kind) $(field .operation) $(field .status)" "Task import queued" "with a queued import Task"
is "$(field .source.url) $(field .source.format)" "$url/disk.raw raw" "naming the source"
is "$(field .image.name)" "$img" "and the new image"
like "$(header Location)" '^/api/v1/tasks/' "Location is the task"
wait_task "$(header Location)"
is "$(field .status) $(field .progress)" "succeeded 1" "the task succeeds"
api GET "$base/$img"
expect_status 200 "the image is there"
is "$(field .size)" $((20 * 1048576)) "with the source's size"
is "$(rbd status "rbd/$img" 2>&1 | grep -c -i migration)" 0 "and not in a migration"
is "$(export_sha "rbd/$img")" "$(sha256sum <"$work/raw.expected" | cut -d' ' -f1)" \
	"its content is the file's (sha256 of rbd export = of qemu-img convert -O raw)"
is "$(rbd ls rbd | grep -c "^$img.unfinished")" 0 "no unfinished image is left"

story "import a qcow2 file, with a layout"
img=$(unique imp-qcow2)
made+=("$img")
import "$img" "$url/disk.qcow2" qcow2 '"object_size":"1M","features":["layering","exclusive-lock"]'
expect_status 202 "POST answers 202"
wait_task "$(header Location)"
is "$(field .status)" succeeded "the task succeeds"
is "$(export_sha "rbd/$img")" "$(sha256sum <"$work/qcow2.expected" | cut -d' ' -f1)" \
	"its content is the qcow2's as qemu-img converts it to raw"
info=$(rbd info --format json "rbd/$img")
is "$(printf '%s' "$info" | jq -r .order)" 20 "with the object size asked for (1M)"
is "$(printf '%s' "$info" | jq -r '.features | sort | join(",")')" "exclusive-lock,layering" \
	"and the features asked for"
import "$img" "$url/disk.qcow2" qcow2
expect_error 409 Conflict "^image rbd/$img already exists" "an import onto an existing name: 409"

story "a URL with a query: fetched with it, shown without it"
img=$(unique imp-query)
made+=("$img")
import "$img" "$url/disk.raw?X-Amz-Signature=secret42" raw
expect_status 202 "POST answers 202"
is "$(field .source.url)" "$url/disk.raw?..." "the task shows the URL without its query"
wait_task "$(header Location)"
is "$(field .status)" succeeded "the task succeeds"
is "$(printf '%s' "$BODY" | grep -c secret42)" 0 "and never shows the query"
is "$(grep -c secret42 "$RBD_STACK_DIR/daemon/daemon.log")" 0 "nor does the log"
is "$(export_sha "rbd/$img")" "$(sha256sum <"$work/raw.expected" | cut -d' ' -f1)" \
	"the content is the file's"

story "a qcow2 given as raw is imported as its bytes"
img=$(unique imp-asraw)
made+=("$img")
import "$img" "$url/disk.qcow2" raw
wait_task "$(header Location)"
is "$(field .status)" succeeded "the task succeeds (librbd cannot tell)"
is "$(export_sha "rbd/$img")" "$(sha256sum <"$work/srv/disk.qcow2" | cut -d' ' -f1)" \
	"and the image holds the qcow2 file's own bytes"

story "what is not a qcow2 fails as one"
for f in garbage.bin disk.raw; do
	img=$(unique imp-bad)
	import "$img" "$url/$f" qcow2
	expect_status 202 "$f as qcow2: accepted"
	wait_task "$(header Location)"
	is "$(field .status)" failed "$f as qcow2: the task fails"
	like "$(field .error)" "^importing rbd/$img from $url/$f failed: the URL could not be read, or what it serves is not a qcow2 image: .*; nothing of the import is left$" \
		"$f as qcow2: saying why"
	nothing_left "$img" "$f as qcow2"
done

story "a server that is not there"
img=$(unique imp-gone)
gone=$(free_port)
import "$img" "http://127.0.0.1:$gone/disk.raw" raw
expect_status 202 "accepted (the URL is allowed)"
wait_task "$(header Location)"
is "$(field .status)" failed "the task fails"
like "$(field .error)" "^importing rbd/$img from http://127.0.0.1:$gone/disk.raw failed: the URL could not be read" \
	"saying the URL could not be read"
nothing_left "$img" "unreachable"

story "a file the server does not have (404)"
img=$(unique imp-404)
import "$img" "$url/no-such-file" raw
wait_task "$(header Location)"
is "$(field .status)" failed "the task fails"
like "$(field .error)" "404 Not Found.*check that $url/no-such-file serves the file; nothing of the import rbd/$img is left" \
	"saying what to check and that nothing is left"
nothing_left "$img" "404"

story "URLs that are refused before anything is fetched"
img=$(unique imp-no)
for bad in "ftp://127.0.0.1/disk.raw" "file:///etc/passwd" "127.0.0.1:$PORT/disk.raw" "gopher://x/"; do
	import "$img" "$bad" raw
	expect_error 400 BadRequest '^field "source.url": only http:// and https:// URLs can be imported' \
		"$bad: 400"
done
import "$img" "http://admin:pw@127.0.0.1:$PORT/disk.raw" raw
expect_error 400 BadRequest '^field "source.url": the URL may not carry a user name or password' \
	"a URL with userinfo: 400"
import "$img" "http://2130706433:$PORT/disk.raw" raw
expect_error 400 BadRequest 'not a plain dotted IPv4 address' "a number for a host: 400"
import "$img" "http://127.0.0.1:$PORT/pub/%2e%2e/disk.raw" raw
expect_error 400 BadRequest 'may not hold %2e' "an encoded dot in the path: 400"
import "$img" "http://127.0.0.2:$PORT/disk.raw" raw
expect_error 403 Forbidden "^URL http://127.0.0.2:$PORT/disk.raw matches none of this service's import_url_allow patterns" \
	"a host the patterns do not name: 403 naming import_url_allow"
import "$img" "https://127.0.0.1:$PORT/disk.raw" raw
expect_error 403 Forbidden "import_url_allow" "https where only http is allowed: 403"
import "$img" "$url/disk.raw" vmdk
expect_error 400 BadRequest '^field "source.format" must be "raw" or "qcow2", not "vmdk"' "format vmdk: 400"
api POST "$base" "{\"name\":\"$img\",\"source\":{\"format\":\"raw\"}}"
expect_error 400 BadRequest 'url' "no url: 400"
api POST "$base" "{\"name\":\"$img\",\"source\":{\"url\":\"$url/disk.raw\",\"format\":\"raw\",\"sha\":1}}"
expect_error 400 BadRequest 'sha' "an unknown field in source: 400"
import "$img" "$url/disk.raw" raw '"size":"1G"'
expect_error 400 BadRequest '^field "size" does not go with "source"' "a size with a source: 400"
nothing_left "$img" "refused imports"

story "who may import"
api POST "$base" "{\"name\":\"$img\",\"source\":{\"url\":\"$url/disk.raw\",\"format\":\"raw\"}}" \
	-u "$RBD_API_VIEWER"
expect_error 403 Forbidden '^user viewer \(role viewer\) may not create images' "viewer: 403"
# A role that may create images but not write content; and a service
# whose administrator allowed no URL at all (the default).
printf 'role creator read create tasks\ngrant tester creator *\ngrant admin admin *\n' \
	>"$work/policy.conf"
extra_daemon import "policy=$work/policy.conf"
body="{\"name\":\"$img\",\"source\":{\"url\":\"$url/disk.raw\",\"format\":\"raw\"}}"
fcgi "$EXTRA_SOCKET" POST "$base" "$body"
is "$STATUS" 403 "create without write_data: 403"
like "$(field .message)" '^user tester \(role creator\) may not write image content in rbd \(verb write_data' \
	"naming verb write_data"
REPLICA_SOCKET=$EXTRA_SOCKET replica POST "$base" "$body"
is "$STATUS" 403 "no import_url_allow (the default): 403"
like "$(field .message)" "^importing from a URL is off on this service: its administrator has set no import_url_allow patterns" \
	"naming the key"
nothing_left "$img" "refused users"

story "cancel an import while it runs"
mkdir "$work/slow"
ln -s "$work/srv/disk.raw" "$work/slow/disk.raw"
serve "$work/slow" 1
img=$(unique imp-cancel)
import "$img" "http://127.0.0.1:$PORT/disk.raw" raw
expect_status 202 "accepted"
task=$(header Location)
for ((i = 0; i < 60; i++)); do
	api GET "$task"
	[ "$(field .status)" = running ] && break
	sleep 0.25
done
is "$(field .status)" running "the import runs"
api DELETE "$task"
expect_status 204 "DELETE cancels it"
wait_task "$task"
is "$(field .status) $(field .canceled)" "failed true" "the task ends canceled"
like "$(field .error)" "^canceled.*nothing of the import rbd/$img is left" "saying nothing is left"
nothing_left "$img" "canceled"

done_testing
