#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Disaster recovery between two sites, entirely through the two APIs: an
# operator enables mirroring on a pool at both sites, hands site A's
# bootstrap token to site B, mirrors a volume by snapshots, fails over to
# B (demote A, promote B) with the data intact, writes at B, and fails
# back with a resync; a journaled volume too; mirror snapshot schedules;
# the pool's status summary; and the usual mistakes answered clearly.
# Checked against both clusters with the rbd CLI.
. "$(dirname "$0")/lib/test-lib.sh"

# The second site: the stack's own (RBD_STACK_PEER=1 t/stack start), or
# one started here for this test alone.
if [ -z "${RBD_API_PEER_URL:-}" ] && [ -n "${RBD_STACK_DIR:-}" ] && [ -f "$RBD_STACK_DIR/peer/env" ]; then
	. "$RBD_STACK_DIR/peer/env"
fi
if [ -z "${RBD_API_PEER_URL:-}" ]; then
	if ! command -v rbd-mirror >/dev/null 2>&1; then
		echo "1..0 # SKIP rbd-mirror is not installed (t/install-deps installs it)"
		exit 0
	fi
	_peer_dir=$(mktemp -d /tmp/rbd-rest-api-peer.XXXXXX)
	at_exit 'stack_stop_peer "$_peer_dir"; rm -rf "$_peer_dir"'
	if ! stack_start_peer "$_peer_dir" "$RBD_STACK_DIR" >&2; then
		echo "Bail out! the second site did not start"
		exit 1
	fi
	. "$_peer_dir/env"
fi
CEPH_A=$CEPH_CONF
CEPH_B=$CEPH_CONF_PEER

# api against site B.
papi() { RBD_API_URL=$RBD_API_PEER_URL api "$@"; }

# A pool of this test's own at both sites (mirroring pairs pools by name),
# so nothing else in the shared stack is mirrored.
pool=$(unique mirror)
P=/api/v1/pools/$pool
M=$P/mirroring
at_exit 'ceph -c "$CEPH_A" osd pool rm "$pool" "$pool" --yes-i-really-really-mean-it >/dev/null 2>&1'
at_exit 'ceph -c "$CEPH_B" osd pool rm "$pool" "$pool" --yes-i-really-really-mean-it >/dev/null 2>&1'

sha() { rbd -c "$1" export --no-progress "$pool/$2" - 2>/dev/null | sha256sum | cut -d' ' -f1; }
write() { rbd -c "$1" bench --io-type write --io-size 64K --io-total 16M --io-pattern rand \
	"$pool/$2" >/dev/null 2>&1; }

# wait_for SECONDS JQ-CONDITION CALL...: repeats the call until its body
# satisfies the condition; the last answer stays in STATUS and BODY.
wait_for() {
	local seconds=$1 cond=$2 i
	shift 2
	for ((i = 0; i < seconds; i++)); do
		"$@"
		[ "$(field "$cond")" = true ] && return 0
		sleep 1
	done
	return 1
}

# promote_racing CALL OTHER-SITE: promotes vol (CALL is api or papi) at
# once after the demote at OTHER-SITE, and every 50 ms until it works,
# while the demotion travels: each answer must be 409 naming OTHER-SITE,
# or 200; never a 500 (librbd says EROFS while this site's rbd-mirror
# copies the demotion). Sets tries, and odd to the first other answer.
promote_racing() {
	local call=$1 other=$2 i
	tries=0 odd=
	for ((i = 0; i < 1800; i++)); do
		$call POST $P/images/vol/mirroring/promote '{}'
		tries=$((tries + 1))
		case $STATUS in
		200) return 0 ;;
		409) [[ $(field .message) == "image $pool/vol is still primary on peer site $other"* ]] ||
			odd="409 $(field .message)" ;;
		*) odd="$STATUS $(field .message)" ;;
		esac
		[ -n "$odd" ] && return 1
		sleep 0.05
	done
	odd="still refused after 90 s: $STATUS $(field .message)"
	return 1
}

story "two pools to mirror"
api POST /api/v1/pools "{\"name\":\"$pool\"}"
expect_status 201 "site A: create the pool"
papi POST /api/v1/pools "{\"name\":\"$pool\"}"
expect_status 201 "site B: create the pool of the same name"
api POST $P/images '{"name":"vol","size":"64M"}'
expect_status 201 "site A: a volume to protect"

story "mistakes before mirroring is set up"
api GET $M
expect_status 200 "read the pool's mirroring"
is "$(field '.Kind + " " + .mode')" "Mirroring disabled" "mirroring is disabled at first"
api POST $M/bootstrap/token
expect_error 400 BadRequest "mirroring is disabled on pool $pool; set its mode first" \
	"no bootstrap token while mirroring is disabled (librbd: EINVAL)"
is "$(field .errno)" 22 "errno EINVAL"
api PUT $P/images/vol/mirroring '{"enabled":true,"mode":"snapshot"}'
expect_error 409 Conflict "mirroring is disabled on pool $pool, so image $pool/vol cannot be mirrored; set the pool's mode first" \
	"enabling an image on a pool in mode disabled"
api PUT $M '{"mode":"everything"}'
expect_error 400 BadRequest 'field "mode" must be "disabled", "image" or "pool"' "an unknown mode"
api PUT $M '{"mdoe":"image"}'
expect_error 400 BadRequest 'mdoe' "a misspelt field"

story "both sites enable mirroring and name themselves"
api PUT $M '{"mode":"image","site_name":"site-a"}'
expect_status 200 "site A: mode image"
is "$(field '.mode + " " + .site_name')" "image site-a" "answers the new mode and name"
papi PUT $M '{"mode":"image","site_name":"site-b"}'
expect_status 200 "site B: mode image"
is "$(rbd -c "$CEPH_A" mirror pool info "$pool" --format json | jq -r .mode)" image "rbd sees mode image"

story "a peer added by hand is read, changed and removed"
api POST $M/peers '{"site_name":"site-x","client_name":"client.nobody","direction":"rx-only"}'
expect_status 201 "add a peer"
uuid=$(field .uuid)
is "$(header Location)" "$M/peers/$uuid" "Location names it by uuid"
is "$(field '.Kind + " " + .site_name + " " + .client_name + " " + .direction')" \
	"MirrorPeer site-x client.nobody rx-only" "a MirrorPeer"
api PATCH $M/peers/$uuid '{"site_name":"site-y","direction":"rx-tx"}'
expect_status 200 "rename it and change its direction"
is "$(field '.site_name + " " + .direction')" "site-y rx-tx" "changed"
api POST $M/peers '{"site_name":"site-z","mon_host":"v2:127.0.0.1:1"}'
expect_error 400 BadRequest 'fields "mon_host" and "key" go together' "an address without a key"
api DELETE $M/peers/$uuid
expect_status 204 "remove it"
api GET $M/peers/$uuid
expect_error 404 NotFound "pool $pool has no mirroring peer $uuid" "an unknown peer"
api DELETE $M/peers/$uuid
expect_error 404 NotFound "pool $pool has no mirroring peer $uuid" "removing it twice"

story "site A's bootstrap token imported at site B pairs the sites both ways"
api POST $M/bootstrap/token
expect_status 200 "site A: create a bootstrap token"
token=$(field .token)
like "$(printf '%s' "$token" | base64 -d 2>/dev/null | jq -r .client_id)" '^rbd-mirror-peer$' \
	"the token holds the peer user"
papi POST $M/bootstrap/import '{"token":"not a token"}'
expect_error 400 BadRequest 'field "token" is not a valid bootstrap token' "a bad token"
papi POST $M/bootstrap/import "{\"token\":\"$token\",\"direction\":\"tx-only\"}"
expect_error 400 BadRequest 'field "direction" must be "rx-only" or "rx-tx"' "tx-only import"
papi POST $M/bootstrap/import "{\"token\":\"$token\",\"direction\":\"rx-tx\"}"
expect_status 200 "site B: import it, both directions"
is "$(field '.Kind + " " + (.Items | map(.site_name + "/" + .direction) | join(","))')" \
	"MirrorPeerList site-a/rx-tx" "site B's peer is site A"
api GET $M/peers
is "$(field '.Items | map(.site_name + "/" + .direction) | join(",")')" "site-b/rx-tx" \
	"site A got site B as its peer"
is "$(field '.Items[0] | has("key")')" false "the peer's key is never shown"
peer_a=$(field '.Items[0].uuid')
api GET $M/peers/$peer_a
expect_status 200 "read the peer by uuid"
# See stack_peer_restart_mirrors: rbd-mirror 16.2 may have seen the peer
# before its key.
stack_peer_restart_mirrors "$RBD_STACK_PEER_DIR"

story "journal mode needs the journaling feature"
api PUT $P/images/vol/mirroring '{"enabled":true,"mode":"journal"}'
expect_error 400 BadRequest "journal mirroring needs the journaling feature, which image $pool/vol lacks" \
	"journal mode without journaling"
api PUT $P/images/vol/mirroring '{"enabled":true,"mode":"mirror"}'
expect_error 400 BadRequest 'field "mode" must be "journal" or "snapshot"' "an unknown image mode"

story "a volume mirrored by snapshots reaches site B"
api POST $P/images/vol/mirroring/snapshot
expect_error 400 BadRequest "mirroring is not enabled on image $pool/vol" \
	"no mirror snapshot of an image that is not mirrored (librbd: EINVAL)"
is "$(field .errno)" 22 "errno EINVAL"
api PUT $P/images/vol/mirroring '{"enabled":true,"mode":"snapshot"}'
expect_status 200 "enable snapshot mirroring"
is "$(field '.Kind + " " + (.enabled|tostring) + " " + .mode + " " + (.primary|tostring)')" \
	"ImageMirroring true snapshot true" "enabled, primary here"
api PUT $P/images/vol/mirroring '{"enabled":true,"mode":"journal"}'
expect_error 409 Conflict "image $pool/vol is already mirrored in snapshot mode" "switching modes in place"
write "$CEPH_A" vol
api POST $P/images/vol/mirroring/snapshot
expect_status 200 "take a mirror snapshot"
like "$(field .snapshot_id)" '^[0-9]+$' "answers its id"
sum_a=$(sha "$CEPH_A" vol)
wait_for 120 '.status.state == "replaying" and (.status.description | test("idle"))' \
	papi GET $P/images/vol/mirroring
ok $? "site B replays the volume and is up to date"
is "$(field '.primary')" false "not primary at site B"
is "$(field '.peer_sites | map(.site_name) | join(",")')" site-a "site B's status names site A"
like "$(field '.peer_sites[0].last_update')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "with its last update"

story "failover: demote A, promote B, same data"
papi POST $P/images/vol/mirroring/promote
expect_error 409 Conflict "image $pool/vol is still primary on peer site site-a; demote it there first" \
	"promoting while site A is primary"
api POST $P/images/vol/mirroring/demote
expect_status 200 "site A: demote"
is "$(field .primary)" false "no longer primary"
promote_racing papi site-a
is "$odd" "" "site B: a promote racing the demote is 409 naming site A, then 200 ($tries tries)"
is "$STATUS" 200 "site B: promote once the demotion has arrived"
api POST $P/images/vol/mirroring/demote
expect_error 409 Conflict "image $pool/vol is not primary on this site" "demoting twice"
api POST $P/images/vol/mirroring/snapshot
expect_error 400 BadRequest "image $pool/vol is not primary on this site; mirror snapshots are taken of a primary image" \
	"no mirror snapshot after the demote (librbd: EINVAL)"
papi GET $P/images/vol/mirroring
is "$(field .primary)" true "primary at site B"
is "$(sha "$CEPH_B" vol)" "$sum_a" "site B holds site A's data"

story "write at site B, fail back with a resync"
write "$CEPH_B" vol
papi POST $P/images/vol/mirroring/snapshot
expect_status 200 "site B: mirror snapshot of the new data"
sum_b=$(sha "$CEPH_B" vol)
api GET $P/images/vol
id_before_resync=$(field .id)
api POST $P/images/vol/mirroring/resync
expect_status 202 "site A: resync its copy from site B"
# rbd-mirror resyncs by deleting site A's image and making it anew: until
# it does, the old image's status still says replaying and up to date,
# and the image vanishes under the steps that follow.
wait_for 120 "(.id // \"$id_before_resync\") != \"$id_before_resync\"" api GET $P/images/vol &&
	wait_for 120 '.status.state == "replaying" and (.status.description | test("idle"))' \
		api GET $P/images/vol/mirroring
ok $? "site A replays again (made anew) and is up to date"
papi POST $P/images/vol/mirroring/demote
expect_status 200 "site B: demote"
promote_racing api site-b
is "$odd" "" "site A: a promote racing the demote is 409 naming site B, then 200 ($tries tries)"
is "$STATUS" 200 "site A: promote"
is "$(sha "$CEPH_A" vol)" "$sum_b" "site A holds what site B wrote"
api POST $P/images/vol/mirroring/resync
expect_error 400 BadRequest "image $pool/vol is primary on this site" "no resync of a primary (librbd: EINVAL)"
is "$(field .errno)" 22 "errno EINVAL"

story "a journaled volume is mirrored in journal mode"
api POST $P/images '{"name":"jvol","size":"32M","features":["layering","exclusive-lock","journaling"]}'
expect_status 201 "create a volume with journaling"
api PUT $P/images/jvol/mirroring '{"enabled":true,"mode":"journal"}'
expect_status 200 "enable journal mirroring"
is "$(field .mode)" journal "journal mode"
api POST $P/images/jvol/mirroring/snapshot
expect_error 400 BadRequest "mirrored in journal mode" "no mirror snapshots in journal mode (librbd: EINVAL)"
wait_for 120 '.status.state == "replaying"' papi GET $P/images/jvol/mirroring
ok $? "site B replays the journal"

story "mirror snapshot schedules"
api POST $M/schedules '{"interval":"1h"}'
expect_status 201 "schedule the pool hourly"
is "$(field '.Kind + " " + .level + " " + .interval')" "MirrorSchedule pool 1h" "a pool schedule"
api POST $M/schedules '{"interval":"30m","start_time":"14:00:00","image":"vol"}'
expect_status 201 "schedule one image every 30 minutes"
api POST $M/schedules '{"interval":"often"}'
expect_error 400 BadRequest 'field "interval" must be a whole number of minutes, hours or days' "a bad interval"
api GET $M/schedules
expect_status 200 "list the schedules"
is "$(field '[.Items[] | .level + ":" + (.image // "") + ":" + .interval] | sort | join(",")')" \
	"image:vol:30m,pool::1h" "both are listed"
api DELETE "$M/schedules?interval=1h"
expect_status 204 "remove the pool's"
api DELETE "$M/schedules?interval=1h"
expect_error 404 NotFound "$pool/ has no mirror snapshot schedule every 1h" "removing it twice"
api DELETE "$M/schedules?image=vol"
expect_status 204 "remove the image's"
api GET $M/schedules
is "$(field '.Items | length')" 0 "none left"

story "the status summary counts images by state"
api GET $M/status
expect_status 200 "site A: the pool's mirroring status"
is "$(field '.Kind + " " + (.images|tostring)')" "MirrorStatus 2" "two mirrored images"
is "$(field '[.states[]] | add')" 2 "counted by state"
like "$(field '.states | keys | join(",")')" '^((unknown|error|syncing|starting_replay|replaying|stopping_replay|stopped),?)+$' \
	"states by the rbd CLI's names"
like "$(field .health)" '^(OK|WARNING|ERROR)$' "a health"
ok "$([ "$(field '.daemons | length')" -ge 1 ]; echo $?)" "the rbd-mirror daemon is listed"
is "$(field '.daemons[0] | has("leader") and has("health") and has("hostname")')" true \
	"with its role and health"
wait_for 60 '.states.replaying == 2' papi GET $M/status
ok $? "site B: both replaying"

story "disable mirroring again"
api PUT $M '{"mode":"disabled"}'
expect_error 409 Conflict "pool $pool still has mirrored images or peers" "not while images are mirrored"
api PUT $P/images/jvol/mirroring '{"enabled":false}'
expect_status 200 "disable mirroring of the journaled volume"
is "$(field '.enabled')" false "disabled"

story "a schedule of an image whose name is longer than ours (made by the rbd CLI)"
# A pool of its own at site A only (no peer): mirroring pairs pools by
# name, so site B is not involved. The name is longer than 255 bytes,
# which the schedules' listing once cut to 255.
lpool=$(unique mirrorlong)
at_exit 'ceph -c "$CEPH_A" osd pool rm "$lpool" "$lpool" --yes-i-really-really-mean-it >/dev/null 2>&1'
api POST /api/v1/pools "{\"name\":\"$lpool\"}"
expect_status 201 "a pool of its own"
api PUT /api/v1/pools/$lpool/mirroring '{"mode":"image"}'
expect_status 200 "mirroring in mode image"
long=$(printf 'l%.0s' $(seq 300))
rbd -c "$CEPH_A" create --size 1M "$lpool/$long" &&
	rbd -c "$CEPH_A" mirror image enable "$lpool/$long" snapshot >/dev/null &&
	rbd -c "$CEPH_A" mirror snapshot schedule add --pool "$lpool" --image "$long" 1h
ok $? "the rbd CLI makes a 300-byte image name and schedules it"
api GET /api/v1/pools/$lpool/mirroring/schedules
expect_status 200 "list the schedules"
is "$(field '.Items[0].image | length')" 300 "the image is named whole"
rbd -c "$CEPH_A" mirror snapshot schedule remove --pool "$lpool" --image "$long" 1h

done_testing
