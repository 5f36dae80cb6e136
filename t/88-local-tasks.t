#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Copy and rollback with ?async=true: Ceph's manager has no task for them,
# so the service runs them itself, in a runner process that outlives the
# worker. They answer 202 with a Task like the manager's tasks, are listed
# and canceled the same way, and a canceled or interrupted copy leaves
# nothing half made.
. "$(dirname "$0")/lib/test-lib.sh"

base=/api/v1/pools/rbd/images
made=()
stopped=()   # runner processes stopped by the test, resumed on exit

cleanup() {
	local i name
	for i in "${stopped[@]}"; do kill -CONT "$i" 2>/dev/null; done
	# What a killed runner left (the test makes one on purpose).
	for name in $(rbd ls rbd 2>/dev/null); do
		for i in "${made[@]}"; do
			[[ $name == "$i".unfinished-* ]] && made+=("$name")
		done
	done
	for ((i = ${#made[@]} - 1; i >= 0; i--)); do
		rbd snap unprotect "rbd/${made[i]}@base" >/dev/null 2>&1
		rbd snap purge "rbd/${made[i]}" >/dev/null 2>&1
		rbd rm "rbd/${made[i]}" >/dev/null 2>&1
	done
}
at_exit cleanup

checksum() {
	rbd export "rbd/$1" - 2>/dev/null | md5sum | cut -d' ' -f1
}

# operation_pid ID: the runner's operation process (the supervisor's child),
# looked for during 2 s or so.
operation_pid() {
	local i supervisor child
	for ((i = 0; i < 100; i++)); do
		supervisor=$(pgrep -f -- "--run-task [^ ]+ $1" | while read -r p; do
			[ "$(ps -o comm= -p "$(ps -o ppid= -p "$p" | tr -d ' ')" 2>/dev/null)" != rbd-api-task ] &&
				echo "$p"
		done | head -n1)
		child=${supervisor:+$(pgrep -P "$supervisor" | head -n1)}
		[ -n "$child" ] && { echo "$child"; return 0; }
		sleep 0.02
	done
	return 1
}

# hold_copy NAME: starts an async copy of $bulk to NAME and holds its
# operation process (SIGSTOP), so what the test does next surely comes
# first. Sets id and op. $bulk is large enough for the copy to last until
# it is found, however loaded the machine (a 64 MiB copy can end first).
hold_copy() {
	api POST "$base/$bulk/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$1\"}"
	made+=("$1")
	id=$(field .id)
	op=$(operation_pid "$id") && kill -STOP "$op" && stopped+=("$op")
}

# A source with data and a protected snapshot, then more data.
src=$(unique lsrc)
rbd create --size 64M "rbd/$src"
made+=("$src")
rbd bench --io-type write --io-size 1M --io-total 64M --io-pattern seq "rbd/$src" >/dev/null 2>&1
rbd snap create "rbd/$src@base" >/dev/null 2>&1
rbd snap protect "rbd/$src@base"
base_sum=$(rbd export "rbd/$src@base" - 2>/dev/null | md5sum | cut -d' ' -f1)
rbd bench --io-type write --io-size 64K --io-total 4M --io-pattern rand "rbd/$src" >/dev/null 2>&1
src_sum=$(checksum "$src")
bulk=$(unique lbulk)
rbd create --size 256M "rbd/$bulk"
made+=("$bulk")
rbd bench --io-type write --io-size 4M --io-total 256M --io-pattern seq "rbd/$bulk" >/dev/null 2>&1
bulk_sum=$(checksum "$bulk")

# An async deep copy.
dst=$(unique ldst)
api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$dst\"}"
expect_status 202 "an async copy is accepted"
made+=("$dst")
id=$(field .id)
# Version 8 (RFC 9562): the first 48 bits name the pool holding the record,
# so a lookup reads that pool only.
rbd_pool_id=$(ceph osd pool ls detail -f json | jq -r '.[] | select(.pool_name == "rbd") | .pool_id')
rbd_prefix=$(printf '%012x' "$rbd_pool_id" | sed 's/^\(.\{8\}\)/\1-/')
like "$id" "^$rbd_prefix-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\$" \
	"the task has a UUID (v8) naming pool rbd (id $rbd_pool_id)"
is "$(header Location)" "/api/v1/tasks/$id" "Location is the task"
is "$(field .Kind)/$(field .APIVersion)" Task/v1 "a Task"
is "$(field .status)" queued "queued"
is "$(field ".progress == 0")" true "progress 0"
is "$(field .operation)" copy "the operation"
is "$(field .message)" "Copying image rbd/$src to rbd/$dst" "the message"
is "$(field '.image | .pool + "/" + .namespace + "/" + .name')" "rbd//$src" "the image"
is "$(field '.target | .pool + "/" + .namespace + "/" + .name')" "rbd//$dst" "the target"
is "$(field .deep)" true "a deep copy by default"
like "$(field .created_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "with its creation time"
wait_task "/api/v1/tasks/$id"
ok $? "the task finishes"
is "$(field .status)" succeeded "and succeeds"
is "$(field '.progress == 1')" true "progress 1.0"
like "$(field .started_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "with its start time"
like "$(field .finished_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "and its finish time"
is "$(checksum "$dst")" "$src_sum" "the copy has the data"
is "$(rbd export "rbd/$dst@base" - 2>/dev/null | md5sum | cut -d' ' -f1)" "$base_sum" \
	"and the snapshot, with its data"
api GET /api/v1/tasks
expect_status 200 "list the tasks"
is "$(field ".Items[] | select(.id == \"$id\") | .status")" succeeded "the copy is listed"
api GET "/api/v1/tasks/${id^^}"
is "$STATUS $(field .id)" "200 $id" "an id in capitals is the same task"
is "$(rados -p rbd listomapkeys rbd_rest_api.tasks | grep -cx "$id")" 1 \
	"the record is kept in the pool (object rbd_rest_api.tasks)"
api GET "/api/v1/tasks/$rbd_prefix-8000-8000-000000000000"
expect_error 404 NotFound "pool id $rbd_pool_id, where it would be recorded, has no record of it" \
	"an id of ours that its pool does not know"
api DELETE "/api/v1/tasks/ffffffff-ffff-8000-8000-000000000000"
expect_error 404 NotFound "pool id [0-9]+, where it would be recorded" "one naming no pool"
api DELETE "/api/v1/tasks/$id"
expect_error 409 Conflict "task $id has already succeeded; there is nothing to cancel" \
	"cancel a finished task"

# A plain copy.
flat=$(unique lflat)
api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$flat\",\"deep\":false}"
expect_status 202 "an async plain copy"
made+=("$flat")
is "$(field .deep)" false "not deep"
wait_task "$(header Location)"
is "$(field .status)" succeeded "succeeds"
is "$(checksum "$flat")" "$src_sum" "with the data"
is "$(rbd snap ls --format json "rbd/$flat" | jq length)" 0 "and no snapshots"

# Checked before it is accepted, as a copy that runs at once.
api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$dst\"}"
expect_error 409 Conflict "image rbd/$dst already exists" "an async copy onto an existing name"
api POST "$base/nothing-$$/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"x$dst\"}"
expect_error 404 NotFound "image rbd/nothing-$$ does not exist" "an async copy of a missing image"
api POST "$base/$src/copy?async=true" "{\"pool\":\"nopool-$$\",\"name\":\"x$dst\"}"
expect_error 404 NotFound "destination pool nopool-$$ does not exist" "an async copy to a missing pool"
api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\"}"
expect_error 400 BadRequest 'field "name" is required' "an async copy without a name"
api POST "$base/$src/copy?async=perhaps" "{\"pool\":\"rbd\",\"name\":\"x$dst\"}"
expect_error 400 BadRequest 'async must be true or false' "a bad async value"
ok "$(rbd info "rbd/x$dst" >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "none of them made an image"

# Cancel a copy half way: its operation is held (SIGSTOP) so the cancel
# surely comes first. The unfinished copy is removed.
half=$(unique lhalf)
hold_copy "$half"
ok $? "another async copy, held"
api DELETE "/api/v1/tasks/$id"
expect_status 204 "cancel it"
wait_task "/api/v1/tasks/$id"
ok $? "the task ends"
is "$(field .status)/$(field .canceled)" failed/true "failed, canceled"
is "$(field .error)" "canceled; nothing of the copy rbd/$half is left" "saying nothing is left"
api GET "$base/$half"
expect_status 404 "the unfinished copy is gone"
ok "$(kill -0 "$op" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "the operation process is gone"

# A cancel races the end of the copy; the task's omap settles it (one
# guarded write each): a 204 always wins, even when the copy is already
# made and only waits for its rename. The supervisor is held here, so the
# operation process alone meets the cancel.

# ended_pid PID: waits (up to 60 s) until PID has exited (a zombie while
# its held parent cannot reap it).
ended_pid() {
	local i
	for ((i = 0; i < 600; i++)); do
		case $(ps -o stat= -p "$1" 2>/dev/null) in "" | Z*) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

story "a cancel that comes before the copy is renamed wins"
race=$(unique lrace)
hold_copy "$race"
ok $? "an async copy, held"
sup=$(ps -o ppid= -p "$op" | tr -d ' ')
kill -STOP "$sup" && stopped+=("$sup")
api DELETE "/api/v1/tasks/$id"
expect_status 204 "cancel it while its supervisor looks away"
kill -CONT "$op"
ended_pid "$op"
ok $? "the copying process ends by itself"
is "$(rbd ls rbd | grep -c "^$race")" 0 "having removed what it made, unfinished or not"
kill -CONT "$sup"
wait_task "/api/v1/tasks/$id"
is "$(field .status)/$(field .canceled)" failed/true "the task ends failed, canceled"
is "$(field .error)" "canceled; nothing of the copy rbd/$race is left" "saying nothing is left"
api GET "$base/$race"
expect_status 404 "no copy"

story "a cancel once the copy is done is refused"
done_copy=$(unique ldone)
hold_copy "$done_copy"
ok $? "an async copy, held"
sup=$(ps -o ppid= -p "$op" | tr -d ' ')
kill -STOP "$sup" && stopped+=("$sup")
kill -CONT "$op"
ended_pid "$op"
ok $? "the copy is made before its supervisor notices"
api DELETE "/api/v1/tasks/$id"
expect_error 409 Conflict "task $id has already finished its work; there is nothing to cancel" \
	"a cancel after that is too late"
kill -CONT "$sup"
wait_task "/api/v1/tasks/$id"
is "$(field .status)" succeeded "the task succeeds"
is "$(checksum "$done_copy")" "$bulk_sum" "with the copy"

# The reported case: a cancel right after the request, nothing held. Each
# cancel answered 204 ends canceled with nothing made; a 409 only when
# the copy was done.
story "a cancel right after the request"
for i in 1 2 3; do
	quick=$(unique lquick)
	api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$quick\"}"
	made+=("$quick")
	id=$(field .id)
	api DELETE "/api/v1/tasks/$id"
	cancel=$STATUS
	wait_task "/api/v1/tasks/$id"
	outcome="$(field .status)/$(field .canceled)"
	exists=$(rbd ls rbd | grep -c "^$quick")
	case $cancel in
	204) is "$outcome $exists" "failed/true 0" "try $i: canceled (204): failed, canceled, no copy" ;;
	409) is "$outcome $exists" "succeeded/null 1" "try $i: too late (409): succeeded, the copy made" ;;
	*) is "$cancel" "204 or 409" "try $i: the cancel" ;;
	esac
done

# At most max_tasks (default 4) runners at once, each a process with a
# cluster connection: a fifth is refused until one has finished.
held=()
for i in 1 2 3 4; do
	hold_copy "$(unique lcap)"
	held+=("$id")
done
extra=$(unique lcap)
api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$extra\"}"
made+=("$extra")
expect_error 429 TooManyRequests 'already runs 4 copy, import, rollback, sparsify or purge tasks \(max_tasks = 4\)' \
	"a fifth task while four run"
like "$(header Retry-After)" '^[0-9]+' "with Retry-After"
for t in "${held[@]}"; do api DELETE "/api/v1/tasks/$t"; done
for t in "${held[@]}"; do wait_task "/api/v1/tasks/$t"; done
api POST "$base/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$extra\"}"
expect_status 202 "once they have ended, it is accepted"
wait_task "/api/v1/tasks/$(field .id)"

# Rollback as a task: the image goes back to the snapshot, size included.
rbd resize --size 96M "rbd/$src" >/dev/null 2>&1
api POST "$base/$src/snapshots/base/rollback?async=true"
expect_status 202 "an async rollback is accepted"
id=$(field .id)
is "$(header Location)" "/api/v1/tasks/$id" "Location is the task"
is "$(field .operation)" rollback "the operation"
is "$(field .snapshot)" base "the snapshot"
is "$(field .message)" "Rolling back image rbd/$src to snapshot base" "the message"
wait_task "/api/v1/tasks/$id"
is "$(field .status)" succeeded "succeeds"
api GET "$base/$src"
is "$(field .size)" 67108864 "the size is the snapshot's again"
is "$(checksum "$src")" "$base_sum" "and so is the data"

api POST "$base/$src/snapshots/nothing/rollback?async=true"
expect_error 404 NotFound "snapshot rbd/$src@nothing does not exist" "an async rollback to a missing snapshot"

# Cancel a rollback: it stops at the next object and says what that means.
# An image of many small objects rolls back in a few hundred milliseconds;
# the test holds the operation (SIGSTOP) and cancels. When it was too late
# (the rollback had finished), it tries again.
many=$(unique lmany)
rbd create --size 32M --object-size 16K "rbd/$many"
made+=("$many")
rbd bench --io-type write --io-size 1M --io-total 32M --io-pattern seq "rbd/$many" >/dev/null 2>&1
rbd snap create "rbd/$many@base" >/dev/null 2>&1
many_sum=$(rbd export "rbd/$many@base" - 2>/dev/null | md5sum | cut -d' ' -f1)
for ((attempt = 1; attempt <= 10; attempt++)); do
	rbd bench --io-type write --io-size 1M --io-total 32M --io-pattern rand "rbd/$many" >/dev/null 2>&1
	api POST "$base/$many/snapshots/base/rollback?async=true"
	id=$(field .id)
	op=$(operation_pid "$id") || continue
	kill -STOP "$op" && stopped+=("$op")
	api DELETE "/api/v1/tasks/$id"
	[ "$STATUS" = 204 ] || continue
	# The supervisor sees the request within a second.
	sleep 2
	kill -CONT "$op"
	wait_task "/api/v1/tasks/$id"
	[ "$(field .status)" = failed ] && { echo "# canceled on attempt $attempt"; break; }
done
is "$(field .status)/$(field .canceled)" failed/true "a canceled rollback: failed, canceled"
like "$(field .error)" "^canceled: stopped before the rollback finished: image rbd/$many now holds part of snapshot base's data; roll back again to finish$" \
	"saying the image is part rolled back"
api POST "$base/$many/snapshots/base/rollback?async=true"
wait_task "$(header Location)"
is "$(field .status)" succeeded "rolling back again finishes it"
is "$(checksum "$many")" "$many_sum" "the data is the snapshot's"

# A rollback that is done before its supervisor notices: a cancel then is
# too late (409), and the task succeeds.
# It is quick: when it ends before it is found, the test tries again.
story "a cancel once the rollback is done is refused"
for ((attempt = 1; attempt <= 10; attempt++)); do
	rbd bench --io-type write --io-size 1M --io-total 8M --io-pattern rand "rbd/$many" >/dev/null 2>&1
	api POST "$base/$many/snapshots/base/rollback?async=true"
	id=$(field .id)
	sup=
	op=$(operation_pid "$id") && sup=$(ps -o ppid= -p "$op" 2>/dev/null | tr -d ' ')
	[ -n "$sup" ] && kill -STOP "$sup" && stopped+=("$sup") && break
	wait_task "/api/v1/tasks/$id"
done
ok "$([ -n "$sup" ]; echo $?)" "an async rollback, its supervisor held (attempt $attempt)"
ended_pid "$op"
ok $? "it is done before its supervisor notices"
api DELETE "/api/v1/tasks/$id"
expect_error 409 Conflict "task $id has already finished its work; there is nothing to cancel" \
	"a cancel after that is too late"
kill -CONT "$sup"
wait_task "/api/v1/tasks/$id"
is "$(field .status)" succeeded "the task succeeds"
is "$(checksum "$many")" "$many_sum" "the data is the snapshot's"
story ""


# The task outlives the worker that accepted it: a reload replaces every
# worker, and the copy still finishes.
master=$(cat "$RBD_STACK_DIR/daemon/daemon.pid")
late=$(unique llate)
hold_copy "$late"
before=$(worker_pids "$master")
kill -HUP "$master"
for ((i = 0; i < 100; i++)); do
	now=$(worker_pids "$master")
	[ -n "$now" ] && [ -z "$(comm -12 <(echo "$before") <(echo "$now"))" ] && break
	sleep 0.1
done
ok "$([ -z "$(comm -12 <(echo "$before") <(echo "$now"))" ]; echo $?)" "a reload replaced every worker"
api GET "/api/v1/tasks/$id"
is "$(field .status)" running "the task still runs"
kill -CONT "$op"
wait_task "/api/v1/tasks/$id"
is "$(field .status)" succeeded "and finishes"
is "$(checksum "$late")" "$bulk_sum" "with the data"

# A service that stops interrupts its tasks cleanly: the runner is told,
# removes the unfinished copy and records why (a daemon of the test's own).
extra_daemon tasks
cut=$(unique lcut)
fcgi "$EXTRA_SOCKET" POST "$base/$bulk/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$cut\"}"
is "$STATUS" 202 "a copy on the test's own daemon"
made+=("$cut")
id=$(printf '%s' "$BODY" | jq -r .id)
op=$(operation_pid "$id")
kill -STOP "$op" && stopped+=("$op")
daemon_stop "$EXTRA_DIR"
ok "$(pgrep -f -- "--run-task [^ ]+ $id" >/dev/null; [ $? -ne 0 ]; echo $?)" \
	"the daemon waited for its task runner"
api GET "/api/v1/tasks/$id"
is "$(field .status)" failed "the task failed"
is "$(field .error)" "interrupted: the service stopped; nothing of the copy rbd/$cut is left" \
	"because the service stopped"
api GET "$base/$cut"
expect_status 404 "the unfinished copy is gone"

# A runner killed outright cannot say so; its silence does (after 20 s).
gone=$(unique lgone)
hold_copy "$gone"
supervisor=$(ps -o ppid= -p "$op" | tr -d ' ')
kill -9 "$supervisor"
for ((i = 0; i < 50; i++)); do kill -0 "$op" 2>/dev/null || break; sleep 0.1; done
ok "$(kill -0 "$op" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "its operation process dies with the supervisor"
sleep 22
api GET "/api/v1/tasks/$id"
is "$(field .status)" failed "a task whose runner was killed reads failed"
like "$(field .error)" "^interrupted: its runner on [^ ]+ stopped without finishing \(last heard of at [0-9T:Z-]+\); an unfinished copy may be left behind, named <name>\.unfinished-<8 hex digits>: delete it$" \
	"saying when it was last heard of"
api DELETE "/api/v1/tasks/$id"
expect_status 409 "it cannot be canceled"

done_testing
