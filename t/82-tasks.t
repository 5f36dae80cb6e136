#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Long work handed to Ceph's manager: flatten and delete with ?async=true
# answer 202 with a Task and its Location, which a client polls until the
# work is done; tasks are listed, and canceled while they run.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
made=()        # images to clean up, children before parents
watch_pid=
fifo=
users=()       # cephx users to remove

# Ends the rbd watch started below the way it expects (a line on its
# stdin), so it unwatches and the image can be removed at once.
stop_watch() {
	[ -n "$watch_pid" ] || return 0
	echo >"$fifo"
	wait "$watch_pid" 2>/dev/null
	rm -f "$fifo"
	watch_pid=
}

cleanup() {
	local i user
	stop_watch
	for user in "${users[@]}"; do
		ceph auth del "client.$user" >/dev/null 2>&1
		rm -f "$(dirname "$CEPH_CONF")/ceph.client.$user.keyring"
	done
	for ((i = ${#made[@]} - 1; i >= 0; i--)); do
		rbd snap unprotect "rbd/${made[i]}@base" >/dev/null 2>&1
		rbd snap purge "rbd/${made[i]}" >/dev/null 2>&1
		rbd rm "rbd/${made[i]}" >/dev/null 2>&1
	done
}

# The manager's rbd_support module runs the tasks (always on since
# Octopus, so missing only when the module failed).
if ! ceph mgr module ls -f json 2>/dev/null |
	jq -e '(.always_on_modules + .enabled_modules) | index("rbd_support")' >/dev/null; then
	echo "1..0 # SKIP the manager's rbd_support module is not running (ceph mgr module ls)"
	exit 0
fi

# A golden image with data, a protected snapshot, and a clone of it.
gold=$(unique tgold)
clone=$(unique tvol)
rbd create --size 16M "rbd/$gold"
made+=("$gold")
rbd bench --io-type write --io-size 64K --io-total 2M --io-pattern rand "rbd/$gold" >/dev/null 2>&1
rbd snap create "rbd/$gold@base" >/dev/null 2>&1
rbd snap protect "rbd/$gold@base"
rbd clone "rbd/$gold@base" "rbd/$clone"
made+=("$clone")
sum=$(rbd export "rbd/$gold@base" - 2>/dev/null | md5sum)

# Flatten in the background.
api POST "$base/$clone/flatten?async=true"
expect_status 202 "an async flatten is accepted"
id=$(field .id)
like "$id" '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' "the task has a UUID"
is "$(header Location)" "/api/v1/tasks/$id" "Location is the task"
is "$(field .Kind)/$(field .APIVersion)" Task/v1 "a Task"
like "$(field .status)" '^(queued|running)$' "queued or running"
ok "$(field '.progress >= 0 and .progress <= 1' | grep -qx true; echo $?)" "progress between 0 and 1"
is "$(field .operation)" flatten "the operation"
is "$(field .message)" "Flattening image rbd/$clone" "the manager's message"
is "$(field '.image | .pool + "/" + .namespace + "/" + .name')" "rbd//$clone" "the image"
like "$(field .image.id)" '^[0-9a-f]+$' "and its id"
loc=$(header Location)
wait_task "$loc"
ok $? "the task finishes"
is "$(field .status)" succeeded "and succeeds"
is "$(field '.progress == 1')" true "progress 1.0"
like "$(field .finished_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "with its finish time"
is "$(field .id)" "$id" "the same task"
api GET "$base/$clone"
is "$(field .parent)" null "the image has no parent now"
is "$(rbd info --format json "rbd/$clone" | jq -r '.parent // "none"')" none "rbd info agrees"
is "$(rbd export "rbd/$clone" - 2>/dev/null | md5sum)" "$sum" "with all of its data"
is "$(ceph progress json 2>/dev/null | jq -r --arg id "$id" '.completed[] | select(.id == $id) | .refs.origin')" \
	rbd_support "the manager ran it (its progress module remembers the task)"

# The list: finished tasks the manager remembers, then queued ones.
api GET /api/v1/tasks
expect_status 200 "list the tasks"
is "$(field .Kind)" TaskList "a TaskList"
is "$(field ".Items[] | select(.id == \"$id\") | .status")" succeeded "with the finished flatten"

api GET "/api/v1/tasks/${id^^}"
is "$STATUS $(field .id)" "200 $id" "an id in capitals is the same task"

api POST "$base/$clone/flatten?async=true"
expect_error 400 BadRequest "image rbd/$clone has no parent to flatten" "flatten it again"
api POST "$base/nothing-$$/flatten?async=true"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "an async flatten of a missing image"

# Delete in the background, after the same checks as a plain delete.
api DELETE "$base/$clone?async=true"
expect_status 202 "an async delete is accepted"
is "$(field .operation)" remove "a remove task"
is "$(field .message)" "Removing image rbd/$clone" "the manager's message"
wait_task "$(header Location)"
ok $? "it finishes"
is "$(field .status)" succeeded "and succeeds"
api GET "$base/$clone"
expect_status 404 "the image is gone"
ok "$(rbd ls rbd | grep -qx "$clone"; [ $? -ne 0 ]; echo $?)" "rbd ls agrees"

api DELETE "$base/$gold?async=true"
expect_error 409 Conflict "image rbd/$gold has 1 snapshot \\(base\\); delete them first" \
	"an async delete of an image with snapshots"
busy=$(unique tbusy)
rbd create --size 1M "rbd/$busy"
made+=("$busy")
# rbd watch holds a watch until a line arrives on its stdin: a FIFO it
# opens read-write, so it never sees end-of-file meanwhile.
fifo=$(mktemp -u /tmp/rbd-rest-api-watch.XXXXXX)
mkfifo "$fifo"
rbd watch "rbd/$busy" <>"$fifo" >/dev/null 2>&1 &
watch_pid=$!
for ((i = 0; i < 150; i++)); do
	[ "$(rbd status --format json "rbd/$busy" 2>/dev/null | jq '.watchers | length')" = 1 ] && break
	sleep 0.2
done
api DELETE "$base/$busy?async=true"
expect_error 409 Conflict "image rbd/$busy is open by 1 client" "an async delete of an image in use"
stop_watch
api DELETE "$base/nothing-$$?async=true"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "an async delete of a missing image"
api DELETE "$base/$busy?async=maybe"
expect_error 400 BadRequest 'async must be true or false' "a bad async value"

# Trash removal in the background: the image goes to the trash with the
# API, then the manager removes it from there.
trashed=$(unique ttrash)
rbd create --size 8M "rbd/$trashed"
made+=("$trashed")
api POST "$base/$trashed/trash"
expect_status 201 "move an image to the trash"
trash_id=$(field .id)
api DELETE "/api/v1/pools/rbd/trash/$trash_id?async=true"
expect_status 202 "an async trash removal is accepted"
is "$(field .Kind)" Task "a Task"
is "$(field .operation)" "trash remove" "a trash remove task"
like "$(field .message)" "rbd/$trash_id" "the manager's message names the trash entry"
is "$(field .image.id)" "$trash_id" "the image is named by its id"
wait_task "$(header Location)"
ok $? "it finishes"
is "$(field .status)" succeeded "and succeeds"
ok "$(rbd trash ls --format json rbd | jq -e --arg id "$trash_id" 'any(.[]; .id == $id)' >/dev/null; [ $? -ne 0 ]; echo $?)" \
	"rbd trash ls no longer lists it"
api DELETE "/api/v1/pools/rbd/trash/$trash_id?async=true"
expect_status 404 "an async removal of that entry again"

# In a namespace, the task names the image by pool/namespace/name.
ns=$(unique tns)
rbd namespace create "rbd/$ns"
nsimg=$(unique tnsimg)
rbd create --size 1M "rbd/$ns/$nsimg"
api DELETE "/api/v1/pools/rbd/namespaces/$ns/images/$nsimg?async=true"
expect_status 202 "an async delete in a namespace"
is "$(field '.image | .pool + "/" + .namespace + "/" + .name')" "rbd/$ns/$nsimg" "the task's image"
wait_task "$(header Location)"
is "$(field .status)" succeeded "it succeeds"
is "$(rbd ls "rbd/$ns" | wc -l)" 0 "the namespace is empty again"
rbd namespace remove "rbd/$ns" >/dev/null 2>&1

# Cancel: flattening a 1 TiB clone (thin, but a quarter million objects
# to visit) takes long enough to stop it.
big=$(unique tbig)
bigc=$(unique tbigc)
rbd create --size 1T "rbd/$big"
made+=("$big")
rbd snap create "rbd/$big@base" >/dev/null 2>&1
rbd snap protect "rbd/$big@base"
rbd clone "rbd/$big@base" "rbd/$bigc"
made+=("$bigc")
api POST "$base/$bigc/flatten?async=true"
expect_status 202 "a long flatten is accepted"
big_loc=$(header Location)
api DELETE "$big_loc"
expect_status 204 "cancel it"
wait_task "$big_loc"
ok $? "the canceled task ends"
is "$(field .status)/$(field .error)/$(field .canceled)" "failed/Operation canceled/true" \
	"failed, canceled"
is "$(field .progress)" null "with its progress unknown"
is "$(rbd info --format json "rbd/$bigc" | jq -r .parent.image)" "$big" "the clone keeps its parent"
api DELETE "$big_loc"
expect_error 409 Conflict "task .* has already been canceled" "cancel it again"
api DELETE "$loc"
expect_error 409 Conflict "task $id has already succeeded; there is nothing to cancel" \
	"cancel a finished task"

# A remove is never canceled: the manager starts it at once (or the
# moment the task before it ends), and a cancel that reaches it running
# stops librbd half way, leaving the image half removed (in the trash as
# "removing", part of its data gone, listed by rbd ls, unreadable). A thin
# 256 GiB image without an object map takes seconds to remove.
story "a remove task cannot be canceled"
doomed=$(unique tdoomed)
rbd create --size 256G --image-feature layering "rbd/$doomed"
made+=("$doomed")
api DELETE "$base/$doomed?async=true"
expect_status 202 "an async delete of a large image"
doomed_loc=$(header Location)
api DELETE "$doomed_loc"
expect_error 409 Conflict "task ${doomed_loc##*/} \\(Removing image rbd/$doomed\\) cannot be canceled: the manager may start it any moment, and a remove stopped half way leaves the image half removed" \
	"canceling it is refused"
wait_task "$doomed_loc"
is "$(field .status)" succeeded "the remove goes on and succeeds"
is "$(rbd ls rbd | grep -cx "$doomed")" 0 "nothing is left of the image"

story "a trash remove task cannot be canceled"
doomed=$(unique tdoomed)
rbd create --size 256G --image-feature layering "rbd/$doomed"
made+=("$doomed")
api POST "$base/$doomed/trash"
doomed_id=$(field .id)
api DELETE "/api/v1/pools/rbd/trash/$doomed_id?async=true"
expect_status 202 "an async trash removal of a large image"
doomed_loc=$(header Location)
api DELETE "$doomed_loc"
expect_error 409 Conflict "cannot be canceled: the manager may start it any moment, and a trash remove stopped half way leaves the trash entry with part of its data deleted" \
	"canceling it is refused"
wait_task "$doomed_loc"
is "$(field .status)" succeeded "the removal goes on and succeeds"
ok "$(rbd trash ls --format json rbd | jq -e --arg id "$doomed_id" 'any(.[]; .id == $id)' >/dev/null; [ $? -ne 0 ]; echo $?)" \
	"the entry is gone"
story ""

# The README's least-privilege user (mgr 'profile rbd') may queue, list
# and cancel tasks, but not read the progress module's history: a finished
# task is then 404, saying why. `allow command "progress json"` fixes that.
for caps in "profile rbd" 'profile rbd, allow command "progress json"'; do
	user=tasks-$$-$RANDOM
	users+=("$user")
	keyring=$(dirname "$CEPH_CONF")/ceph.client.$user.keyring
	ceph auth get-or-create "client.$user" mon 'profile rbd' osd 'profile rbd' mgr "$caps" \
		-o "$keyring" 2>/dev/null
	extra_daemon tasks ceph_id="$user" keyring="$keyring"
	for ((i = 0; i < 150; i++)); do
		fcgi "$EXTRA_SOCKET" GET "$loc"
		[ "$STATUS" != 503 ] && break
		sleep 0.2
	done
	if [ "$caps" = "profile rbd" ]; then
		expect_error 404 NotFound "task $id is not queued or running; whether it finished cannot be told because the manager's task history \(\"progress json\"\) could not be read" \
			"mgr 'profile rbd': a finished task"
	else
		is "$STATUS $(field .status)" "200 succeeded" "with \"progress json\" allowed: the finished task"
	fi
	fcgi "$EXTRA_SOCKET" GET /api/v1/tasks
	is "$STATUS $(field .Kind)" "200 TaskList" "mgr '$caps': the task list"
done

# Unknown and malformed ids.
unknown=01234567-89ab-4def-8123-456789abcdef
api GET "/api/v1/tasks/$unknown"
expect_error 404 NotFound "task $unknown does not exist" "an unknown task"
api DELETE "/api/v1/tasks/$unknown"
expect_error 404 NotFound "task $unknown does not exist" "cancel an unknown task"
for bad in not-a-task 01234567-89ab-4def-8123-456789abcdeg 01234567089ab-4def-8123-456789abcdef \
	"%2e%2e" "$unknown-0"; do
	api GET "/api/v1/tasks/$bad"
	expect_error 404 NotFound 'task ids are UUIDs' "GET task \"$bad\""
done
api DELETE /api/v1/tasks/not-a-task
expect_error 404 NotFound 'task ids are UUIDs' "cancel a malformed id"
api POST /api/v1/tasks '{}'
expect_status 405 "tasks are made by the operations, not posted"

cleanup
done_testing
