#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two replicas of the service on one cluster, as two hosts would run them
# behind a load balancer: the stack's daemon (through nginx) and a second
# one (its own workers, scoreboard and host locks, on its own socket).
# Racing creates and changes of one image through both behave as through
# one; a pool deleted through one is gone through the other at once; an
# image's change lease left by a dead holder is waited out, one kept by a
# live holder is a 409 naming it.
. "$(dirname "$0")/lib/test-lib.sh"

replica_start || { echo "Bail out! the second replica did not start"; exit 1; }
base=/api/v1/pools/rbd/images
img=$(unique rep)
at_exit "for i in rbd/$img rbd/$img-m rbd/$img-m2 rbd/$img-held; do rbd snap purge \$i >/dev/null 2>&1; rbd rm \$i >/dev/null 2>&1; done"
out=$(mktemp /tmp/rbd-rest-api-replicas.XXXXXX)
at_exit "rm -f $out"

story "50 racing creates of one name across both replicas: one image"
for i in $(seq 1 50); do
	if [ $((i % 2)) = 0 ]; then
		(replica POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"; echo "$STATUS") &
	else
		(api POST $base "{\"name\":\"$img\",\"size\":\"8M\"}"; echo "$STATUS") &
	fi
done >"$out"
wait
is "$(sort "$out" | uniq -c | awk '{printf "%s:%s ", $2, $1}')" "201:1 409:49 " "one 201, 49 409s"
is "$(rbd ls rbd | grep -cx "$img")" 1 "one image"

story "both replicas give one image the same ETag"
api GET "$base/$img"
tag=$(header ETag)
replica GET "$base/$img"
is "$(header ETag)" "$tag" "the same tag from the other replica"

story "racing resize, rename, snapshot, feature change and delete across replicas"
m=$img-m m2=$img-m2
fails=0
for round in 1 2 3; do
	rbd create --size 8M "rbd/$m" >/dev/null 2>&1
	{
		(api PATCH "$base/$m" '{"size":"16M"}'; echo "resize $STATUS") &
		(replica PATCH "$base/$m" '{"size":"24M"}'; echo "resize $STATUS") &
		(api POST "$base/$m/snapshots" '{"name":"s"}'; echo "snapshot $STATUS") &
		(replica PATCH "$base/$m" '{"features":{"disable":["fast-diff"]}}'; echo "features $STATUS") &
		(api PATCH "$base/$m" "{\"name\":\"$m2\"}"; echo "rename $STATUS") &
		(replica DELETE "$base/$m"; echo "delete $STATUS") &
		wait
	} >"$out" 2>/dev/null
	grep -q ' 5[0-9][0-9]$\| $' "$out" && { fails=$((fails + 1)); sed 's/^/# /' "$out"; }
	renamed=$(grep -c '^rename 200$' "$out")
	deleted=$(grep -c '^delete 204$' "$out")
	old=$(rbd ls rbd | grep -cx "$m")
	new=$(rbd ls rbd | grep -cx "$img-m2")
	# The outcome the answers tell is the cluster's: renamed -> under
	# the new name; deleted -> nowhere; else still under the old name.
	want_old=$([ "$renamed" = 0 ] && [ "$deleted" = 0 ] && echo 1 || echo 0)
	if [ "$old:$new" != "$want_old:$renamed" ]; then
		fails=$((fails + 1))
		echo "# round $round: old=$old new=$new but renamed=$renamed deleted=$deleted"
		sed 's/^/# /' "$out"
	fi
	for i in "rbd/$m" "rbd/$img-m2"; do
		rbd snap purge "$i" >/dev/null 2>&1
		rbd rm "$i" >/dev/null 2>&1
	done
done
is "$fails" 0 "3 rounds: no 5xx, and every outcome is the cluster's"

story "a pool deleted through one replica is 404 through the other within 0.5 s"
pool=$(unique reppool)
replica POST /api/v1/pools "{\"name\":\"$pool\"}"
expect_status 201 "created through the other replica"
at_exit "ceph osd pool rm $pool $pool --yes-i-really-really-mean-it >/dev/null 2>&1"
codes=""
for i in $(seq 6); do api GET "/api/v1/pools/$pool"; codes+="$STATUS "; done
is "$codes" "200 200 200 200 200 200 " "seen through this one (every worker)"
replica DELETE "/api/v1/pools/$pool?confirm=$pool"
expect_status 204 "deleted through the other replica"
# Pool reads ask the monitor for news at most every 0.5 s per host
# (docs/api.md, "Pools"): the delete shows within that, then for good.
t0=$(date +%s%N)
api GET "/api/v1/pools/$pool"
while [ "$STATUS" = 200 ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000 ]; do
	sleep 0.05
	api GET "/api/v1/pools/$pool"
done
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# the delete showed here after ${waited} ms"
[ "$waited" -le 1000 ]; ok $? "404 here within the bound (0.5 s, plus the round trips)"
codes=""
for i in $(seq 6); do api GET "/api/v1/pools/$pool"; codes+="$STATUS "; done
is "$codes" "404 404 404 404 404 404 " "then 404 from every worker"
api GET /api/v1/pools
is "$(field "[.Items[].name] | index(\"$pool\")")" null "and gone from the list"

story "a change lease left by a dead holder is waited out"
held=$img-held
rbd create --size 8M "rbd/$held"
# `rados lock get` takes the lease the way a replica does and exits: a
# holder killed -9 after taking it, whose lease nobody renews.
rados -p rbd lock get "rbd_rest_api.lock.$held" rbd_rest_api --lock-duration 4 \
	--lock-cookie "deadhost:4242:0" >/dev/null
start=$(date +%s)
api PATCH "$base/$held" '{"size":"16M"}'
took=$(($(date +%s) - start))
expect_status 200 "the change goes through once the lease lapses"
ok "$([ "$took" -ge 2 ] && [ "$took" -le 8 ]; echo $?)" "after about the lease's 4 s (took $took s)"
rados -p rbd stat "rbd_rest_api.lock.$held" >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "and the lease's object went with it"

story "a lease kept by a live holder: 409 naming it, after a bounded wait"
rados -p rbd lock get "rbd_rest_api.lock.$held" rbd_rest_api --lock-duration 60 \
	--lock-cookie "otherhost:77:0" >/dev/null
at_exit "rados -p rbd rm rbd_rest_api.lock.$held >/dev/null 2>&1"
start=$(date +%s)
replica PATCH "$base/$held" '{"size":"24M"}'
took=$(($(date +%s) - start))
expect_error 409 Conflict 'another replica of the service .*host otherhost pid 77' \
	"409 naming the holder"
ok "$([ "$took" -le 15 ]; echo $?)" "within rados_timeout (took $took s)"
is "$(rbd info "rbd/$held" --format json | jq .size)" 16777216 "and the image was not changed"

story "t/stack's replicas are configured alike"
# RBD_STACK_REPLICAS=2 t/stack start: nginx takes turns between the two,
# so an answer must not depend on which one it picked.
two=$(mktemp -d /tmp/rbd-rest-api-two.XXXXXX)
at_exit "stack_stop $two >/dev/null 2>&1; rm -rf $two"
RBD_STACK_REPLICAS=2 stack_start "$two" >"$two/start.log" 2>&1
ok $? "a stack of two replicas starts"
alike() { sed -e "s|$two/daemon[0-9]*|DIR|g" "$1"; }
is "$(alike "$two/daemon2/rbd-rest-api.conf")" "$(alike "$two/daemon/rbd-rest-api.conf")" \
	"the second daemon's configuration is the first's"
# Through nginx, a 2-second schedule (schedule_min_interval=1) made and
# removed four times, so each replica answers it twice.
statuses=$(
	. "$two/env"
	api POST /api/v1/pools/rbd/images '{"name":"sched","size":"4M"}'
	for _ in 1 2 3 4; do
		api POST /api/v1/pools/rbd/images/sched/snapshot-schedules \
			'{"interval":"2s","keep":{"last":1}}'
		printf '%s ' "$STATUS"
		api DELETE /api/v1/pools/rbd/images/sched/snapshot-schedules
	done
)
is "$statuses" "201 201 201 201 " "a 2-second schedule is 201 whichever replica answers"

done_testing
