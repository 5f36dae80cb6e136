#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Authorization: the stack's policy (t/lib/stack.sh) makes "viewer" a
# viewer everywhere and "team-a" an operator in rbd/team-a only. Every
# route of `rbd-rest-api --route-rules` is tried as each of them: allowed
# verbs get the normal answer, others 403 (or 404 outside the scope,
# worded as a missing object), and the cluster is unchanged. A route
# without a rule fails here.
. "$(dirname "$0")/lib/test-lib.sh"

bin=$(daemon_bin)
log=$RBD_STACK_DIR/daemon/daemon.log
tenant_pool=${RBD_API_TENANT_SCOPE%%/*}
tenant_ns=${RBD_API_TENANT_SCOPE#*/}
hidden=$(unique hidden)
rbd namespace create "rbd/$hidden"
at_exit "rbd namespace remove rbd/$hidden 2>/dev/null"
# An image (with a snapshot and a metadata key) and a group in rbd's
# default namespace, which is outside team-a's scope: to team-a they
# answer as missing ones do, and nothing team-a sends changes them.
present=$(unique present)
pgroup=$(unique pgroup)
rbd create "rbd/$present" --size 4M
rbd snap create "rbd/$present@s1" >/dev/null 2>&1
rbd image-meta set "rbd/$present" k1 v1
rbd group create "rbd/$pgroup"
at_exit "rbd group remove rbd/$pgroup; rbd snap purge rbd/$present >/dev/null 2>&1; rbd rm rbd/$present >/dev/null 2>&1"

as() {  # as USER:PASSWORD METHOD PATH [BODY [CURL-ARGS...]]
	local who=$1 method=$2 path=$3 body=${4:-}
	shift $(($# >= 4 ? 4 : $#))
	api "$method" "$path" "$body" -u "$who" "$@"
}

snapshot_cluster() {
	{
		rbd ls rbd; rbd namespace ls rbd; rbd ls "rbd/$tenant_ns"; ceph osd pool ls
		rbd info "rbd/$present"; rbd snap ls "rbd/$present"; rbd image-meta list "rbd/$present"
		rbd group ls rbd; rbd group image ls "rbd/$pgroup"; rbd trash ls rbd
	} 2>&1
}
before=$(snapshot_cluster)

rules=$("$bin" --route-rules)
is "$(printf '%s\n' "$rules" | awk '$3 == "none" || $4 == "none"' | wc -l)" 0 \
	"every route has a verb and a scope"
is "$(printf '%s\n' "$rules" | wc -l)" "$("$bin" --routes | wc -l)" "and the rules cover every route"

# operator's verbs; viewer's is read alone.
operator_verbs=" read create change delete trash tasks read_data write_data locks "

# expand PATTERN NAMESPACE: a path with every capture filled.
expand() {
	local p=$1 ns=$2
	p=${p//\{pool\}/$tenant_pool}
	p=${p//\{namespace\}/$ns}
	p=${p//\{image\}/authz-none}
	p=${p//\{snapshot\}/s1}
	p=${p//\{snap_id\}/1}
	p=${p//\{key\}/k1}
	p=${p//\{id\}/0123456789abcdef}
	p=${p//\{uuid\}/00000000-0000-0000-0000-000000000000}
	# A lock is named by its cookie and, in the query, its holder.
	p=${p//\{lock\}/c1?client=client.1}
	printf '%s' "$p"
}

# A body the handler accepts, so that admin's answer for a missing object
# is the 404 and not a 400 about the body.
valid_body() {
	case "$1 $2" in
	"PATCH "*"/groups/{group}/snapshots/{snapshot}") echo '{"name":"s3"}' ;;
	"PATCH "*"/groups/{group}") echo '{"name":"authz-renamed"}' ;;
	"PATCH "*"/snapshots/{snapshot}") echo '{"protected":true}' ;;
	"PATCH "*"/images/{image}") echo '{"size":"8M"}' ;;
	"POST "*"/snapshot-schedules") echo '{"interval":"1h","keep":{"hourly":1}}' ;;
	"POST "*"/snapshots") echo '{"name":"s2"}' ;;
	"POST "*"/copy") echo "{\"pool\":\"rbd\",\"name\":\"authz-copy\"}" ;;
	"POST "*"/migration") echo "{\"pool\":\"rbd\",\"name\":\"authz-migrated\"}" ;;
	"PUT "*"/metadata/{key}") echo '{"value":"v2"}' ;;
	"POST "*"/locks") echo '{"cookie":"c1"}' ;;
	"PUT "*"/qos") echo '{"rbd_qos_iops_limit":100}' ;;
	"PUT "*"/config") echo '{"options":{"rbd_cache":false}}' ;;
	"PUT "*"/snapshot-limit") echo '{"limit":10}' ;;
	"PUT "*"/mirroring") echo '{"enabled":true}' ;;
	"POST "*"/groups/{group}/images" | "DELETE "*"/groups/{group}/images")
		echo "{\"pool\":\"rbd\",\"image\":\"$present\"}" ;;
	POST* | PUT* | PATCH*) echo '{}' ;;
	esac
}

while read -r method pattern verb scope; do
	body=
	case $method in POST | PUT | PATCH) body='{}' ;; esac
	path=$(expand "$pattern" "$tenant_ns")

	# viewer: everything readable, nothing else, on any pool.
	as "$RBD_API_VIEWER" "$method" "$path" "$body"
	if [ "$verb" = read ]; then
		ok "$([ "$STATUS" != 403 ]; echo $?)" "viewer $method $pattern: allowed ($STATUS)"
	else
		is "$STATUS" 403 "viewer $method $pattern: 403"
		like "$(field .message)" "^user viewer \(role viewer\) may not .*\(verb $verb" \
			"viewer $method $pattern: the message names user, role, verb and object"
	fi

	# team-a in its own namespace.
	[ "$scope" = public ] && continue
	# The default namespace is outside team-a's scope, in a pool it sees:
	# an object there answers as a missing one does, to team-a and to
	# admin alike, whether it exists or not.
	if [ "$scope" = namespace ] && [[ $pattern != *"{namespace}"* ]] &&
		[[ $pattern == *"{image}"* || $pattern == *"{group}"* ]]; then
		valid=$(valid_body "$method" "$pattern")
		# Content goes as octet-stream: as JSON, admin's answer would be
		# the 415 that comes before the image is looked up.
		ctype=()
		case "$method $pattern" in "PUT "*/data | "POST "*/diff)
			ctype=(-H 'Content-Type: application/octet-stream') ;;
		esac
		some=$(expand "$pattern" "")
		some=${some//authz-none/$present}
		some=${some//\{group\}/$pgroup}
		as "$RBD_API_TENANT" "$method" "$some" "$valid" "${ctype[@]}"
		hidden_answer="$STATUS $(field .message | sed "s/$present/NAME/g; s/$pgroup/NAME/g")"
		none=$(expand "$pattern" "")
		none=${none//\{group\}/authz-none}
		as "$RBD_API_TENANT" "$method" "$none" "$valid" "${ctype[@]}"
		missing_answer="$STATUS $(field .message | sed "s/authz-none/NAME/g")"
		api "$method" "$none" "$valid" "${ctype[@]}"
		admin_answer="$STATUS $(field .message | sed "s/authz-none/NAME/g")"
		is "$hidden_answer" "$missing_answer" \
			"team-a $method $pattern of rbd's default namespace: as if it did not exist"
		is "$hidden_answer" "$admin_answer" "and worded as admin's 404 for a missing one"
		like "$hidden_answer" '^404 ' "and that is a 404"
		continue
	fi
	as "$RBD_API_TENANT" "$method" "$path" "$body"
	allowed=0
	case $scope in
	namespace | items) [[ $operator_verbs == *" $verb "* ]] && allowed=1 ;;
	pool | any) [[ $verb == read || ($scope == any && $operator_verbs == *" $verb "*) ]] && allowed=1 ;;
	esac
	# Collections of the default namespace: every pool has one, so a 403
	# tells nothing.
	[ "$scope" = namespace ] && [[ $pattern != *"{namespace}"* ]] && allowed=0
	if [ "$allowed" = 1 ]; then
		ok "$([ "$STATUS" != 403 ]; echo $?)" "team-a $method $pattern: allowed ($STATUS)"
	else
		is "$STATUS" 403 "team-a $method $pattern: 403"
		like "$(field .message)" "^user team-a \(role operator\) may not " \
			"team-a $method $pattern: message"
	fi

	# team-a in another namespace of the same pool: not there at all.
	if [[ $pattern == *"{namespace}"* ]]; then
		as "$RBD_API_TENANT" "$method" "$(expand "$pattern" "$hidden")" "$body"
		hidden_answer="$STATUS $(field .message)"
		as "$RBD_API_TENANT" "$method" "$(expand "$pattern" "missing-$hidden")" "$body"
		missing_answer="$STATUS $(field .message | sed "s/missing-$hidden/$hidden/")"
		is "$hidden_answer" "$missing_answer" \
			"team-a $method $pattern in another namespace: as if it did not exist"
		like "$hidden_answer" '^404 namespace ' "and that is a 404"
	fi
done <<<"$rules"

is "$(snapshot_cluster)" "$before" "the cluster is unchanged by all of that"

api GET "/api/v1/pools/rbd/namespaces/missing-$hidden"
missing_answer="$STATUS $(field .message | sed "s/missing-$hidden/$hidden/")"
as "$RBD_API_TENANT" GET "/api/v1/pools/rbd/namespaces/$hidden"
is "$STATUS $(field .message)" "$missing_answer" "a hidden namespace answers as a missing one does to admin"

story "listings show only what the user may see"
as "$RBD_API_TENANT" GET /api/v1/pools
is "$(field '[.Items[].name] | join(",")')" "$tenant_pool" "team-a lists only its pool"
as "$RBD_API_TENANT" GET "/api/v1/pools/$tenant_pool/namespaces"
is "$(field '[.Items[].name] | join(",")')" "$tenant_ns" "and only its namespace"
as "$RBD_API_VIEWER" GET "/api/v1/pools/$tenant_pool/namespaces"
like "$(field '[.Items[].name] | join(",")')" "$hidden" "viewer sees every namespace"
as "$RBD_API_TENANT" GET /api/v1/pools/nopool-$$
hidden_answer="$STATUS $(field .message)"
api GET /api/v1/pools/nopool-$$
is "$hidden_answer" "$STATUS $(field .message)" "a pool outside the scope answers as a missing one"
story ""

story "team-a works in its namespace"
img=$(unique vol)
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/namespaces/$tenant_ns/images" "{\"name\":\"$img\",\"size\":\"4M\"}"
expect_status 201 "team-a creates an image in its namespace"
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$img/copy" \
	"{\"pool\":\"rbd\",\"name\":\"$img\"}"
expect_error 403 Forbidden '^user team-a \(role operator\) may not create images in rbd \(verb create' \
	"a copy out of its namespace is refused"
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/namespaces/$tenant_ns/images" \
	"{\"name\":\"$img-c\",\"parent\":{\"pool\":\"rbd\",\"namespace\":\"$hidden\",\"image\":\"x\",\"snapshot\":\"s\"}}"
expect_error 403 Forbidden 'may not read images in rbd/' "a clone of a parent outside is refused"
as "$RBD_API_TENANT" PATCH "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$img" \
	'{"features":{"disable":["fast-diff"]}}'
expect_error 403 Forbidden "may not change the features of images in rbd/$tenant_ns \(verb features" \
	"an operator may not change features"
as "$RBD_API_TENANT" PATCH "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$img" '{"size":"8M"}'
expect_status 200 "but may resize"
as "$RBD_API_VIEWER" DELETE "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$img"
expect_error 403 Forbidden "^user viewer \(role viewer\) may not delete images in rbd/$tenant_ns \(verb delete" \
	"viewer may not delete it"
as "$RBD_API_TENANT" DELETE "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$img"
expect_status 204 "team-a deletes it"
story ""

story "tasks outside the scope are not there"
# answer_as USER METHOD ID: "status message" for /api/v1/tasks/ID, the id
# written as ID.
answer_as() {
	as "$1" "$2" "/api/v1/tasks/$3"
	printf '%s %s' "$STATUS" "$(field .message | sed "s/$3/ID/gI")"
}
src=$(unique tsrc)
api POST /api/v1/pools/rbd/images "{\"name\":\"$src\",\"size\":\"4M\"}"
api POST "/api/v1/pools/rbd/images/$src/copy?async=true" "{\"pool\":\"rbd\",\"name\":\"$src-c\"}"
expect_status 202 "admin copies an image of the default namespace, as a task"
task=$(header Location)
wait_task "$task"
# An id of the same kind (this service's own, recorded in the same pool)
# that names no task.
id=${task##*/}
other=${id:0:24}$(openssl rand -hex 6)
as "$RBD_API_TENANT" GET "$task"
expect_error 404 NotFound "^task $id does not exist" "team-a does not see it"
is "$(answer_as "$RBD_API_TENANT" GET "$id")" "$(answer_as "$RBD_API_TENANT" GET "$other")" \
	"worded as a task that never was"
is "$(answer_as "$RBD_API_TENANT" GET "$id")" "$(answer_as "$RBD_API_USER:$RBD_API_PASSWORD" GET "$other")" \
	"as admin hears it of a task that never was"
as "$RBD_API_TENANT" DELETE "$task"
expect_error 404 NotFound "^task $id does not exist" "nor cancel it"
is "$(answer_as "$RBD_API_TENANT" DELETE "$id")" "$(answer_as "$RBD_API_TENANT" DELETE "$other")" \
	"and a cancel is worded as one of a task that never was"
is "$(answer_as "$RBD_API_TENANT" GET "$(echo "$id" | tr a-f A-F)")" \
	"$(answer_as "$RBD_API_TENANT" GET "$(echo "$other" | tr a-f A-F)")" "whatever the case of the id"
as "$RBD_API_TENANT" GET /api/v1/tasks
is "$(field "[.Items[] | select(.id == \"${task##*/}\")] | length")" 0 "nor list it"
as "$RBD_API_VIEWER" GET /api/v1/tasks
is "$(field "[.Items[] | select(.id == \"${task##*/}\")] | length")" 1 "viewer lists it"
as "$RBD_API_VIEWER" DELETE "$task"
expect_error 403 Forbidden '^user viewer \(role viewer\) may not cancel tasks' "and may not cancel it"
api DELETE "/api/v1/pools/rbd/images/$src-c"
api DELETE "/api/v1/pools/rbd/images/$src"
story ""

story "a manager's task outside the scope is not there either"
gone=$(unique tgone)
api POST /api/v1/pools/rbd/images "{\"name\":\"$gone\",\"size\":\"4M\"}"
api DELETE "/api/v1/pools/rbd/images/$gone?async=true"
expect_status 202 "admin deletes an image of the default namespace through the manager"
task=$(header Location)
wait_task "$task"
other=$(cat /proc/sys/kernel/random/uuid)
is "$(answer_as "$RBD_API_TENANT" GET "${task##*/}")" "$(answer_as "$RBD_API_TENANT" GET "$other")" \
	"team-a reads it as a task that never was"
is "$(answer_as "$RBD_API_TENANT" DELETE "${task##*/}")" "$(answer_as "$RBD_API_TENANT" DELETE "$other")" \
	"and cancels it as one"
like "$(answer_as "$RBD_API_TENANT" GET "${task##*/}")" '^404 ' "a 404"
story ""

story "a namespace operator manages its own trash entries and sees no others"
mine=$(unique mine)
theirs=$(unique theirs)
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/namespaces/$tenant_ns/images" "{\"name\":\"$mine\",\"size\":\"4M\"}"
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$mine/trash"
expect_status 201 "team-a moves its image to the trash"
mine_id=$(field .id)
is "$(header Location)" "/api/v1/pools/rbd/trash/$mine_id" "the entry is at pool level"
api POST /api/v1/pools/rbd/images "{\"name\":\"$theirs\",\"size\":\"4M\"}"
api POST "/api/v1/pools/rbd/images/$theirs/trash"
expect_status 201 "admin moves an image of the default namespace to the trash"
theirs_id=$(field .id)
rbd create "rbd/$hidden/$theirs" --size 4M
rbd trash mv "rbd/$hidden/$theirs"
hidden_id=$(rbd trash ls --format json "rbd/$hidden" | jq -r '.[0].id')
at_exit "rbd trash rm rbd/$hidden/$hidden_id >/dev/null 2>&1; rbd trash rm rbd/$theirs_id >/dev/null 2>&1"
ids() { field "[.Items[].id | select(. == \"$mine_id\" or . == \"$theirs_id\" or . == \"$hidden_id\")] | sort | join(\",\")"; }
as "$RBD_API_TENANT" GET /api/v1/pools/rbd/trash
expect_status 200 "team-a lists the pool's trash"
is "$(ids)" "$mine_id" "and sees only its own entry"
as "$RBD_API_VIEWER" GET /api/v1/pools/rbd/trash
is "$(ids)" "$(printf '%s\n' "$mine_id" "$theirs_id" "$hidden_id" | sort | paste -sd,)" "viewer sees all three"
trash_answer() {  # METHOD PATH-AFTER-trash/ ID
	as "$RBD_API_TENANT" "$1" "/api/v1/pools/rbd/trash/$3$2"
	printf '%s %s' "$STATUS" "$(field .message | sed "s/$3/ID/gI")"
}
missing_id=$(openssl rand -hex 6)
for id in "$theirs_id" "$hidden_id"; do
	is "$(trash_answer POST /restore "$id")" "$(trash_answer POST /restore "$missing_id")" \
		"team-a restores another's entry: as if it did not exist"
	is "$(trash_answer DELETE "" "$id")" "$(trash_answer DELETE "" "$missing_id")" \
		"team-a removes another's entry: as if it did not exist"
done
like "$(trash_answer DELETE "" "$theirs_id")" '^404 trash entry ID does not exist' "a 404"
is "$(rbd trash ls rbd | grep -c "$theirs_id")" 1 "and the entry stays"
as "$RBD_API_VIEWER" POST "/api/v1/pools/rbd/trash/$mine_id/restore"
expect_error 403 Forbidden '^user viewer \(role viewer\) may not restore images from the trash in rbd \(verb trash' \
	"viewer may not restore team-a's entry"
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/trash/$mine_id/restore"
expect_status 201 "team-a restores its own entry"
is "$(header Location)" "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$mine" "into its namespace"
as "$RBD_API_TENANT" POST "/api/v1/pools/rbd/namespaces/$tenant_ns/images/$mine/trash"
mine_id=$(field .id)
as "$RBD_API_TENANT" DELETE "/api/v1/pools/rbd/trash/$mine_id"
expect_status 204 "and removes it for good"
is "$(rbd ls "rbd/$tenant_ns" | grep -c "^$mine\$"; rbd trash ls "rbd/$tenant_ns" | grep -c "$mine_id")" \
	"$(printf '0\n0')" "it is gone"
api DELETE "/api/v1/pools/rbd/trash/$theirs_id"
expect_status 204 "admin removes its own entry"
story ""

story "a pool's mirror snapshot schedules: only those the user may see"
mode=$(rbd mirror pool info rbd --format json | jq -r .mode)
[ "$mode" = disabled ] && rbd mirror pool enable rbd image >/dev/null
mirrored=$(unique mirrored)
rbd create "rbd/$mirrored" --size 4M
rbd mirror image enable "rbd/$mirrored" snapshot >/dev/null
at_exit "rbd mirror snapshot schedule rm --pool rbd --image $mirrored 1h; rbd mirror image disable rbd/$mirrored >/dev/null; rbd rm rbd/$mirrored >/dev/null 2>&1; [ $mode = disabled ] && rbd mirror pool disable rbd >/dev/null"
api POST /api/v1/pools/rbd/mirroring/schedules "{\"image\":\"$mirrored\",\"interval\":\"1h\"}"
expect_status 201 "admin schedules mirror snapshots of an image of the default namespace"
count_mirrored() { field "[.Items[] | select(.image == \"$mirrored\")] | length"; }
as "$RBD_API_VIEWER" GET /api/v1/pools/rbd/mirroring/schedules
is "$(count_mirrored)" 1 "viewer lists it"
as "$RBD_API_TENANT" GET /api/v1/pools/rbd/mirroring/schedules
expect_status 200 "team-a lists the pool's mirror snapshot schedules"
is "$(count_mirrored)" 0 "without that one"
is "$(field '[.Items[] | select(.level != "pool" and .namespace != "'"$tenant_ns"'")] | length')" 0 \
	"nor any other outside its namespace"
api DELETE "/api/v1/pools/rbd/mirroring/schedules?image=$mirrored&interval=1h"
story ""

story "whoami"
as "$RBD_API_TENANT" GET /api/v1/whoami
is "$(field '.Kind + " " + .user + " " + (.roles|join(",")) + " " + (.scopes|join(","))')" \
	"Identity team-a operator $RBD_API_TENANT_SCOPE" "team-a's identity"
as "$RBD_API_VIEWER" GET /api/v1/whoami '' -H 'Remote-User: admin' -H 'X-Remote-User: admin'
is "$(field .user) $(field '.roles|join(",")')" "viewer viewer" "Remote-User headers do not change the user"
as "$RBD_API_VIEWER" DELETE "/api/v1/pools/rbd/images/x" '' -H 'Remote-User: admin' -H 'X-Remote-User: admin'
expect_status 403 "nor what the user may do"
story ""

story "a machine client logs in with a client certificate"
cert() { api "$1" "$2" "${3:-}" -u : --cert "$RBD_API_CLIENT_CERT" --key "$RBD_API_CLIENT_KEY"; }
cert GET /api/v1/whoami
is "$STATUS $(field .user) $(field '.roles|join(",")')" "200 robot-1 viewer" \
	"the certificate's CN is the user, without a password"
cert DELETE /api/v1/pools/rbd/images/x
expect_error 403 Forbidden '^user robot-1 \(role viewer\) may not delete images' "and the policy applies"
api GET /api/v1/whoami '' -u : 
expect_status 401 "without the certificate a password is needed"
api GET /api/v1/whoami '' --cert "$RBD_API_CLIENT_CERT" --key "$RBD_API_CLIENT_KEY"
is "$(field .user)" robot-1 "a certificate wins over a password given with it"
selfmade=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj "/CN=admin" -keyout "$selfmade/k" -out "$selfmade/c" 2>/dev/null
api GET /api/v1/whoami '' -u : --cert "$selfmade/c" --key "$selfmade/k"
expect_error 401 Unauthorized 'client certificate is not valid' "a certificate our CA did not sign logs nobody in"
rm -rf "$selfmade"
story ""

# REMOTE_USER is only what nginx sets: straight on the socket (the trust
# boundary), no user means nobody, but health stays open for probes.
socket=$(sed -n 's/^listen = //p' "$RBD_STACK_DIR/daemon/rbd-rest-api.conf")
raw() {
	env -i REQUEST_METHOD=GET REQUEST_URI="$1" REQUEST_ID=abcdef01 CONTENT_LENGTH=0 \
		${2:+REMOTE_USER=$2} timeout 30 cgi-fcgi -bind -connect "$socket" 2>&1
}
like "$(raw /api/v1/pools)" '^Status: 403' "no REMOTE_USER: 403"
like "$(raw /api/v1/pools)" 'no authenticated user' "saying why"
like "$(raw /api/v1/health)" '^Status: 200' "health needs no user"
like "$(raw /api/v1/pools mallory)" 'user mallory has no role in the policy' "a user without a role"

like "$(grep 'user=viewer ' "$log" | grep 'method=DELETE' | tail -n 1)" \
	'event=audit .*status=403 ms=[0-9.]* role=viewer decision=denied' "the audit line names user, role and decision"
like "$(grep 'user=team-a ' "$log" | grep 'method=POST' | grep 'status=201' | tail -n 1)" \
	'role=operator decision=allowed' "and an allowed one too"

# A bad policy stops start-up naming the line.
bad=$(mktemp)
printf 'grant a viewer *\ngrant b nosuchrole rbd\n' >"$bad"
out=$("$bin" -t --policy="$bad" 2>&1)
like "$out" "$bad:2: unknown role \"nosuchrole\"" "a bad policy is refused at start, naming the line"

# Reload: a bad file keeps the old policy; a good one applies, under load.
pol=$(mktemp)
echo 'grant tester viewer *' >"$pol"
extra_daemon authz "policy=$pol" log_level=info
fcgi "$EXTRA_SOCKET" GET /api/v1/whoami
is "$(field '.roles|join(",")')" viewer "the extra daemon's tester is viewer"
echo 'grant tester wizard *' >"$pol"
kill -HUP "$(cat "$EXTRA_DIR/daemon.pid")"
sleep 1
like "$(grep 'event=reload.failed' "$EXTRA_DIR/daemon.log")" "$pol:1: unknown role" \
	"a bad policy at reload is logged with its line"
fcgi "$EXTRA_SOCKET" GET /api/v1/whoami
is "$(field '.roles|join(",")')" viewer "and the old policy stays"
(for i in $(seq 200); do fcgi "$EXTRA_SOCKET" GET /api/v1/version; echo "$STATUS"; done) >"$pol.load" &
loader=$!
echo 'grant tester operator *' >"$pol"
kill -HUP "$(cat "$EXTRA_DIR/daemon.pid")"
wait "$loader"
is "$(sort -u "$pol.load" | tr '\n' ' ')" "200 " "every request during the reload is answered"
for i in $(seq 50); do
	fcgi "$EXTRA_SOCKET" GET /api/v1/whoami
	[ "$(field '.roles|join(",")')" = operator ] && break
	sleep 0.2
done
is "$(field '.roles|join(",")')" operator "the new policy applies after the reload"
rm -f "$bad" "$pol" "$pol.load"

done_testing
