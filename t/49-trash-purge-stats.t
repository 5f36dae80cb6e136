#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Emptying the trash: an operator purges what has expired (a task), keeps
# what is still deferred unless told to take everything, narrows a purge
# to entries expired long enough ago, and leaves the purging to the
# manager on a schedule. In a pool of the test's own: a purge takes every
# expired entry of the pool. Then the pool's busiest images, from the
# manager's I/O statistics while clients write in two namespaces.
. "$(dirname "$0")/lib/test-lib.sh"

p=$(unique purgepool)
pool=/api/v1/pools/$p
a=$(unique expired)
b=$(unique deferred)

entries() { rbd trash ls --format json "$p" | jq -r '[.[].name] | sort | join(" ")'; }
cleanup() { ceph osd pool rm "$p" "$p" --yes-i-really-really-mean-it >/dev/null 2>&1; }
at_exit cleanup
ceph osd pool create "$p" 8 >/dev/null 2>&1
rbd pool init "$p" >/dev/null 2>&1

story "purge what has expired, as a task"
for i in "$a" "$b"; do
	api POST "$pool/images" "{\"name\":\"$i\",\"size\":\"4M\"}"
	expect_status 201 "create $i"
done
api POST "$pool/images/$a/trash"
expect_status 201 "trash one without deferment"
api POST "$pool/images/$b/trash" '{"delay_seconds":3600}'
expect_status 201 "trash one kept for an hour"
is "$(entries)" "$(printf '%s\n' "$a" "$b" | sort | tr '\n' ' ' | sed 's/ $//')" "both in the trash"
api POST "$pool/trash/purge"
expect_status 202 "purge (an empty POST: expired entries)"
task=$(header Location)
like "$task" '^/api/v1/tasks/' "Location names the task"
is "$(field '.Kind + " " + .operation + " " + .image.pool')" "Task purge $p" "a purge Task on the pool"
wait_task "$task"
is "$(field .status)" succeeded "the purge succeeded"
is "$(field .progress)" 1 "all done"
is "$(entries)" "$b" "the expired entry is gone, the deferred one stays"
story ""

story "older_than narrows, expired_only false takes everything"
api POST "$pool/trash/purge" '{"older_than":"1h"}'
expect_status 202 "purge entries expired over an hour ago"
wait_task "$(header Location)"
is "$(field .status)" succeeded "succeeded"
is "$(entries)" "$b" "the deferred entry stays"
api POST "$pool/trash/purge" '{"expired_only":false}'
expect_status 202 "purge every entry"
wait_task "$(header Location)"
is "$(field .status)" succeeded "succeeded"
is "$(entries)" "" "the trash is empty"
story ""

story "bad purges"
api POST "$pool/trash/purge" '{"older_than":"soon"}'
expect_error 400 BadRequest 'field "older_than" must be a number followed by s, m, h, d or w' "a bad duration"
api POST "$pool/trash/purge" '{"older_than":"1h","expired_only":false}'
expect_error 400 BadRequest 'do not go together' "older_than with expired_only false"
api POST "$pool/trash/purge" '{"expired":true}'
expect_error 400 BadRequest 'expired' "an unknown field"
api POST "/api/v1/pools/nopool-$$/trash/purge"
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing pool"
story ""

story "purge schedules through the manager"
api GET "$pool/trash/schedules"
expect_status 200 "no schedules yet"
is "$(field '.Kind + " " + .pool + " " + (.Items | length | tostring)')" "TrashPurgeScheduleList $p 0" \
	"an empty TrashPurgeScheduleList"
api POST "$pool/trash/schedules" '{"interval":"1d"}'
expect_status 201 "purge every day"
is "$(header Location)" "$pool/trash/schedules" "Location names the schedules"
is "$(field '[.Items[] | .interval] | join(",")')" 1d "listed"
api POST "$pool/trash/schedules" '{"interval":"6h","start_time":"02:00"}'
expect_status 201 "purge every six hours from 02:00"
is "$(field '[.Items[] | .interval + "@" + (.start_time // "-")] | sort | join(",")')" "1d@-,6h@02:00:00" \
	"both listed, with the start time"
is "$(ceph rbd trash purge schedule list "$p/" --format json 2>/dev/null | jq -r '[.[].schedule[].interval] | sort | join(",")')" \
	"1d,6h" "the manager has both"
api POST "$pool/trash/schedules" '{"interval":"1x"}'
expect_error 400 BadRequest 'field "interval" must be a positive number followed by m, h or d' "a bad interval"
api POST "$pool/trash/schedules" '{"interval":"1h","start_time":"teatime"}'
expect_error 400 BadRequest 'the manager failed' "a start time the manager refuses"
api DELETE "$pool/trash/schedules" '{"interval":"5h"}'
expect_error 404 NotFound "pool $p has no trash purge schedule every 5h" "remove a schedule that is not there"
api DELETE "$pool/trash/schedules" '{"interval":"6h","start_time":"02:00"}'
expect_status 204 "remove the six-hourly one"
api GET "$pool/trash/schedules"
is "$(field '[.Items[] | .interval] | join(",")')" 1d "the daily one is left"
api DELETE "$pool/trash/schedules"
expect_status 204 "remove every schedule"
api GET "$pool/trash/schedules"
is "$(field '.Items | length')" 0 "none left"
api DELETE "$pool/trash/schedules"
expect_error 404 NotFound "pool $p has no trash purge schedules" "remove when there are none"
story ""

story "I/O statistics from the manager"
img=$(unique busy)
nsimg=$(unique nsbusy)
api POST "$pool/images" "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 201 "create an image"
api POST "$pool/namespaces" '{"name":"stats"}'
expect_status 201 "create a namespace"
api POST "$pool/namespaces/stats/images" "{\"name\":\"$nsimg\",\"size\":\"8M\"}"
expect_status 201 "create an image in it"
api GET "$pool/images/$img/stats"
expect_status 200 "stats of an idle image"
is "$(field '.Kind + " " + .image + " " + (.write_ops_per_sec | tostring)')" "ImageStats $img 0" \
	"zeros while nobody writes"
# Writes over and over on the small image, until killed.
rbd bench --io-type write --io-size 4K --io-pattern rand --io-threads 1 --io-total 100G \
	"$p/$img" >/dev/null 2>&1 &
bench=$!
at_exit "kill $bench 2>/dev/null"
rbd bench --io-type write --io-size 4K --io-pattern rand --io-threads 1 --io-total 100G \
	"$p/stats/$nsimg" >/dev/null 2>&1 &
nsbench=$!
at_exit "kill $nsbench 2>/dev/null"
# The manager starts counting on the first question and averages over a
# few seconds: ask until the writes of both show (at most 60 s).
listed() { field '[.Items[] | .namespace + "/" + .image] | sort | join(" ")'; }
both=$(printf '%s\n' "/$img" "stats/$nsimg" | sort | tr '\n' ' ' | sed 's/ $//')
for _ in $(seq 60); do
	api GET "$pool/stats?sort=write_ops&limit=5"
	[ "$(listed)" = "$both" ] && break
	sleep 1
done
expect_status 200 "the pool's stats"
is "$(listed)" "$both" "they list the images of every namespace (default and stats)"
api GET "$pool/stats?sort=write_ops&limit=1"
is "$(field '.Items | length')" 1 "limit=1 keeps the busiest one of them"
api GET "$pool/stats?sort=write_ops&limit=5"
is "$(field '.Kind + " " + .pool + " " + .sort')" "ImageStatsList $p write_ops" "an ImageStatsList sorted by write_ops"
ok "$(field '.Items[] | select(.image == "'"$img"'") | .write_ops_per_sec > 0' | grep -qx true; echo $?)" \
	"the written image has write ops per second"
is "$(field '.Items[0] | keys | sort | join(",")')" \
	"image,namespace,pool,read_bytes_per_sec,read_latency_ns,read_ops_per_sec,write_bytes_per_sec,write_latency_ns,write_ops_per_sec" \
	"items have the six numbers"
api GET "$pool/images/$img/stats"
expect_status 200 "the image's own stats"
ok "$(field '.write_ops_per_sec > 0 and .write_bytes_per_sec > 0' | grep -qx true; echo $?)" \
	"write ops and bytes per second"
api GET "$pool/namespaces/stats/images/$nsimg/stats"
expect_status 200 "the namespace image's own stats"
ok "$(field '.namespace == "stats" and .write_ops_per_sec > 0' | grep -qx true; echo $?)" \
	"with its namespace and write ops per second"
kill $bench $nsbench 2>/dev/null
wait $bench $nsbench 2>/dev/null
api GET "$pool/stats?sort=writes"
expect_error 400 BadRequest 'query parameter "sort" must be one of write_ops, read_ops' "an unknown sort"
api GET "$pool/stats?limit=0"
expect_error 400 BadRequest 'limit' "a zero limit"
api GET "$pool/stats?top=3"
expect_error 400 BadRequest 'unknown query parameter "top"' "an unknown parameter"
api GET "/api/v1/pools/nopool-$$/stats"
expect_error 404 NotFound "pool nopool-$$ does not exist" "a missing pool"
api GET "$pool/images/nothing-$$/stats"
expect_error 404 NotFound "image $p/nothing-$$ does not exist" "a missing image"
story ""

done_testing
