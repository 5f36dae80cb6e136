# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/test-lib.sh - what every t/NN-*.t sources: TAP output, a stack to
# talk to, and an HTTP client that calls the API as a user would (HTTPS
# through nginx, basic auth).
#
# A test reuses the stack named by RBD_STACK_ENV (t/check starts one for
# the whole suite); run alone, it starts a private stack and stops it at
# exit, so `bash t/40-images.t` works by itself.
#
#   api METHOD PATH [JSON-BODY] [curl args...]
#       Sets STATUS (HTTP code), BODY (response text) and HEADERS (raw
#       header block). A JSON body is sent as application/json.
#   field JQ-FILTER        jq -r FILTER applied to BODY
#   header NAME            the value of response header NAME
#   ok COND-EXIT-STATUS DESCRIPTION / is GOT WANT DESCRIPTION /
#   like TEXT REGEX DESCRIPTION / expect_status CODE DESCRIPTION /
#   expect_error CODE REASON MESSAGE-REGEX DESCRIPTION
#   unique NAME            NAME plus a suffix unique to this run
#   story NAME             the checks that follow are one story: once one
#                          fails, the rest of the story is skipped instead
#                          of failing in a cascade (git's test_expect_success
#                          idea); the next story starts afresh
#   at_exit COMMAND        runs COMMAND when the test exits, before the
#                          library's own clean-up (one EXIT trap per test)
#   done_testing           prints the plan; exit status says pass or fail
#
# Without a running stack to reuse, a test needs root and the cluster
# packages to start one; lacking either, it prints `1..0 # SKIP why`.

set -u
T_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$T_DIR/lib/stack.sh"

_t_count=0
_t_failed=0

_t_setup_stack() {
	if [ -n "${RBD_STACK_ENV:-}" ] && [ -f "$RBD_STACK_ENV" ]; then
		. "$RBD_STACK_ENV"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP the test stack needs root (run t/check as root)"
		exit 0
	fi
	local tool
	for tool in ceph-mon ceph-osd ceph-mgr nginx; do
		if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/bin/$tool" ] &&
			[ ! -x "/usr/sbin/$tool" ]; then
			echo "1..0 # SKIP $tool is not installed (t/install-deps installs it)"
			exit 0
		fi
	done
	# Stopped by the EXIT trap below.
	_t_private_stack=$(mktemp -d /tmp/rbd-rest-api-test.XXXXXX)
	if ! stack_start "$_t_private_stack" >&2; then
		echo "Bail out! the test stack did not start"
		exit 1
	fi
	. "$_t_private_stack/env"
}
_t_setup_stack

_t_story=
_t_story_failed=

story() {
	_t_story=$1
	_t_story_failed=
}

ok() {
	local cond=$1 desc=$2
	_t_count=$((_t_count + 1))
	if [ -n "$_t_story_failed" ]; then
		echo "ok $_t_count - $desc # SKIP an earlier step of \"$_t_story\" failed"
		return 0
	fi
	if [ "$cond" -eq 0 ]; then
		echo "ok $_t_count - $desc"
	else
		_t_failed=$((_t_failed + 1))
		[ -n "$_t_story" ] && _t_story_failed=1
		echo "not ok $_t_count - $desc"
		echo "#   last request: $_t_last_request -> $STATUS"
		echo "#   body: ${BODY:0:600}"
	fi
}

is() {
	local got=$1 want=$2 desc=$3 skipped=$_t_story_failed
	[ "$got" = "$want" ]
	ok $? "$desc"
	[ "$got" = "$want" ] || [ -n "$skipped" ] || echo "#   got '$got', want '$want'"
}

like() {
	local got=$1 regex=$2 desc=$3 skipped=$_t_story_failed
	[[ $got =~ $regex ]]
	ok $? "$desc"
	[[ $got =~ $regex ]] || [ -n "$skipped" ] || echo "#   '$got' does not match /$regex/"
}

STATUS=
BODY=
HEADERS=
_t_last_request=

api() {
	local method=$1 path=$2 body=${3:-} out
	shift $(($# >= 3 ? 3 : $#))
	local args=(-sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD"
		-D - -o "$_t_body_file" --max-time 120)
	if [ "$method" = HEAD ]; then
		args+=(--head)
	else
		args+=(-X "$method")
	fi
	if [ -n "$body" ]; then
		# A test that names its own Content-Type gets only that one.
		[[ " $* " == *" Content-Type:"* ]] || args+=(-H 'Content-Type: application/json')
		args+=(--data-binary "$body")
	fi
	_t_last_request="$method $path"
	out=$(curl "${args[@]}" "$@" "$RBD_API_URL$path") || true
	HEADERS=$out
	STATUS=$(printf '%s\n' "$out" | awk 'NR==1 {print $2}')
	BODY=$(cat "$_t_body_file" 2>/dev/null)
	: >"$_t_body_file"
	# Concurrent calls in subshells share the body file: not a record to trust.
	[ -z "${RBD_API_RECORD:-}" ] || [ "$BASHPID" != $$ ] || _t_record "$method" "$path"
}

# RBD_API_RECORD=FILE (t/check sets it): every answer api() receives is
# appended to FILE as one JSON line, for t/99-schemas.t to check against
# the OpenAPI document. The body goes through stdin: as an argument, one
# over 128 KiB (a long detailed list) would not fit.
_t_record() {
	printf '%s' "$BODY" | jq -cRs --arg method "$1" --arg path "$2" --arg status "$STATUS" \
		--arg type "$(header Content-Type)" --arg test "${0##*/}" \
		'{$test, $method, $path, $status, $type, body: .}' >>"$RBD_API_RECORD" 2>/dev/null || true
}
_t_body_file=$(mktemp /tmp/rbd-rest-api-body.XXXXXX)

# The one EXIT trap: the test's own clean-up (at_exit, last registered
# first), then the library's.
_t_at_exit=()
at_exit() {
	_t_at_exit=("$1" "${_t_at_exit[@]}")
}
_t_exit() {
	local cmd
	for cmd in "${_t_at_exit[@]}"; do
		eval "$cmd" || true
	done
	_t_stop_extras
	rm -f "$_t_body_file"
	if [ -n "${_t_private_stack:-}" ]; then
		stack_stop "$_t_private_stack"
		rm -rf "$_t_private_stack"
	fi
}
trap _t_exit EXIT

field() {
	printf '%s' "$BODY" | jq -r "$1" 2>/dev/null
}

header() {
	printf '%s\n' "$HEADERS" | tr -d '\r' | awk -v name="$1" '
		tolower(substr($0, 1, index($0, ":") - 1)) == tolower(name) {
			print substr($0, index($0, ":") + 2); exit }'
}

expect_status() {
	is "$STATUS" "$1" "$2"
}

# The contract's Status object: code, reason, a message a person can act on.
expect_error() {
	local code=$1 reason=$2 regex=$3 desc=$4 own=
	# Without a story running, the three checks are one: a wrong status
	# does not also fail the body and the message.
	if [ -z "$_t_story" ]; then
		own=1
		story "$desc"
	fi
	is "$STATUS" "$code" "$desc: status $code"
	is "$(field '.Kind + " " + .status + " " + (.code|tostring) + " " + .reason')" \
		"Status Failure $code $reason" "$desc: Status body"
	like "$(field .message)" "$regex" "$desc: message"
	[ -z "$own" ] || story ""
}

unique() {
	printf '%s-%s-%s\n' "$1" "$$" "$RANDOM"
}

# wait_task PATH: polls the task until it has finished (at most 120 s:
# generous, for a loaded test machine; a test's task takes a second or two).
wait_task() {
	local i
	for ((i = 0; i < 240; i++)); do
		api GET "$1"
		case $(field .status) in
		succeeded | failed) return 0 ;;
		esac
		[ "$STATUS" = 200 ] || return 1
		sleep 0.5
	done
	return 1
}

done_testing() {
	echo "1..$_t_count"
	[ "$_t_failed" -eq 0 ]
}

# fcgi SOCKET METHOD URI [JSON-BODY]: talks FastCGI straight to a daemon
# (no nginx), for daemons a test starts with its own configuration. Sets
# STATUS, HEADERS and BODY like api. The request id is FCGI_REQUEST_ID
# (hex, like nginx's $request_id: the daemon takes no other kind).
FCGI_REQUEST_ID=$(printf 'fc%06x' $$)
fcgi() {
	local socket=$1 method=$2 uri=$3 body=${4:-} out
	_t_last_request="FastCGI $method $uri"
	out=$(printf '%s' "$body" | env -i REQUEST_METHOD="$method" REQUEST_URI="$uri" \
		REQUEST_ID=$FCGI_REQUEST_ID REMOTE_USER=tester CONTENT_TYPE=application/json \
		CONTENT_LENGTH=${#body} timeout 30 cgi-fcgi -bind -connect "$socket" 2>&1) || true
	HEADERS=$(printf '%s\n' "$out" | sed '/^\r*$/q')
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | tr -d '\r')
	BODY=$(printf '%s\n' "$out" | sed '1,/^\r*$/d')
}

# A daemon of the test's own, beside the shared stack, on the same cluster.
# extra_daemon NAME [KEY=VALUE...] -> sets EXTRA_DIR and EXTRA_SOCKET.
extra_daemon() {
	local name=$1
	shift
	EXTRA_DIR=$(mktemp -d "/tmp/rbd-rest-api-$name.XXXXXX")
	_t_extra_dirs+=("$EXTRA_DIR")
	daemon_start "$EXTRA_DIR" "$CEPH_CONF" workers=2 "$@" || return 1
	EXTRA_SOCKET=$DAEMON_SOCKET
}
_t_extra_dirs=()
_t_stop_extras() {
	local d
	for d in "${_t_extra_dirs[@]}"; do
		daemon_stop "$d"
		rm -rf "$d"
	done
}

# replica_start: a second daemon on the stack's cluster, as another host
# would run it (its own socket, workers, scoreboard and locks): the other
# replica. replica METHOD URI [BODY] [HTTP_NAME=VALUE...]: a request to it
# as nginx would pass it for $RBD_API_USER (headers as HTTP_* params).
# On a stack of several replicas (RBD_STACK_REPLICAS) it is the stack's
# second daemon.
replica_start() {
	if [ "${RBD_STACK_REPLICAS:-1}" -ge 2 ] && [ $# = 0 ]; then
		REPLICA_SOCKET=$(printf '%s\n' $RBD_STACK_SOCKETS | sed -n 2p)
		return 0
	fi
	extra_daemon replica "$@" || return 1
	REPLICA_SOCKET=$EXTRA_SOCKET
}
replica() {
	local method=$1 uri=$2 body=${3:-} out
	shift $(($# >= 3 ? 3 : $#))
	_t_last_request="replica $method $uri"
	out=$(printf '%s' "$body" | env -i REQUEST_METHOD="$method" REQUEST_URI="$uri" \
		REMOTE_USER="$RBD_API_USER" CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
		"$@" timeout 60 cgi-fcgi -bind -connect "$REPLICA_SOCKET" 2>&1) || true
	HEADERS=$(printf '%s\n' "$out" | sed '/^\r*$/q')
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^Status: \([0-9]*\).*/\1/p' | tr -d '\r')
	BODY=$(printf '%s\n' "$out" | sed '1,/^\r*$/d')
}

# worker_pids PID: the worker processes of the master PID (not the task
# runners, "rbd-api-task", that it also parents).
worker_pids() {
	pgrep -x -P "$1" rbd-rest-api | sort
}
