#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Secrets stay secret: no response and no log line of the daemon or nginx
# carries the cephx key, the API password, or an Authorization header,
# whatever a client sends and whatever fails. And the FastCGI socket is
# closed to local users other than nginx's.
. "$(dirname "$0")/lib/test-lib.sh"

cephx_key=$(sed -n 's/^[[:space:]]*key = //p' "$(dirname "$CEPH_CONF")/ceph.client.admin.keyring" | head -n1)
wrong_password=wrong-$$-$RANDOM
basic=$(printf '%s:%s' "$RBD_API_USER" "$RBD_API_PASSWORD" | base64)
wrong_basic=$(printf '%s:%s' "$RBD_API_USER" "$wrong_password" | base64)
ok "$([ -n "$cephx_key" ]; echo $?)" "the cluster's admin key is known to the test"

responses=""
keep() { responses+="$HEADERS$BODY"; }
api GET /api/v1/pools/rbd/images "" -u "$RBD_API_USER:$wrong_password"
is "$STATUS" 401 "a wrong password is refused"
keep
api GET /api/v1/pools/nopool-$$ "" -H "X-Api-Key: $wrong_password"
is "$STATUS" 404 "an error on an authenticated request"
keep
api POST /api/v1/pools/rbd/images "{\"name\":\"$wrong_password/x\",\"size\":1}"
is "$STATUS" 400 "a bad body"
keep

# A daemon whose key the cluster refuses, logging at debug level.
badkey_dir=$(mktemp -d)
_t_extra_dirs+=("$badkey_dir")
bad_key=AQBm3IhlAAAAABAA$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | head -c 16)==
printf '[client.admin]\n\tkey = %s\n' "$bad_key" >"$badkey_dir/keyring"
extra_daemon secrets keyring="$badkey_dir/keyring" rados_timeout=3 log_level=debug
fcgi "$EXTRA_SOCKET" GET /api/v1/health
is "$STATUS" 503 "a refused key: health is 503"
keep
out=$(printf '' | env -i REQUEST_METHOD=GET REQUEST_URI=/api/v1/pools REQUEST_ID=$FCGI_REQUEST_ID \
	REMOTE_USER=tester HTTP_AUTHORIZATION="Basic $basic" CONTENT_LENGTH=0 \
	timeout 30 cgi-fcgi -bind -connect "$EXTRA_SOCKET" 2>&1) || true
responses+=$out

# The FastCGI socket: nginx's group may connect, other local users not.
chmod 755 "$EXTRA_DIR"
is "$(stat -c '%a %G' "$EXTRA_SOCKET")" "660 www-data" "the socket is mode 0660, group www-data"
as_user() {  # USER: does a FastCGI request as USER get an answer?
	runuser -u "$1" -- env -i REQUEST_METHOD=GET REQUEST_URI=/api/v1/version REMOTE_USER=tester \
		CONTENT_LENGTH=0 \
		timeout 10 cgi-fcgi -bind -connect "$EXTRA_SOCKET" 2>&1 | grep -q '"Kind":"Version"'
}
ok "$(as_user www-data; echo $?)" "nginx's user (www-data) can call the daemon"
ok "$(as_user nobody; [ $? -ne 0 ]; echo $?)" "another local user (nobody) cannot"

scan() {  # NAME TEXT: one check per secret
	local name=$1 text=$2 secret
	for secret in "$cephx_key" "$bad_key" "$RBD_API_PASSWORD" "$wrong_password" "$basic" "$wrong_basic"; do
		ok "$([[ $text != *"$secret"* ]]; echo $?)" "$name holds no secret (${secret:0:4}...)"
	done
	ok "$(grep -qi 'authorization' <<<"$text"; [ $? -ne 0 ]; echo $?)" "$name holds no Authorization header"
}
scan "the responses" "$responses"
scan "the refused daemon's debug log" "$(cat "$EXTRA_DIR/daemon.log")"
scan "the shared daemon's log" "$(cat "$RBD_STACK_DIR/daemon/daemon.log")"
scan "nginx's logs" "$(cat "$RBD_STACK_DIR/nginx/error.log" "$RBD_STACK_DIR/nginx/access.log" 2>/dev/null)"

done_testing
