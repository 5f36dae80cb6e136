#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container's entrypoint (docker/entrypoint.sh), running: it runs the
# daemon and nginx as the image's uid on the shared cluster: HTTPS with
# basic auth, the health-only HTTP port, RBD_API_* variables reaching the
# daemon, reload, graceful stop, and the whole exiting non-zero when either
# half dies; its refusals say why. The daemon is the one built in this
# tree, in an install root laid out as the image's.
. "$(dirname "$0")/lib/test-lib.sh"
# shellcheck source=t/lib/container.sh
. "$T_DIR/lib/container.sh"

container_entrypoint_setup

# Run 1: the API, the health port, the variables, reload, graceful stop.
ep_start RBD_API_WORKERS=3 RBD_API_ALLOW_POOL_DELETE=true
status=$?
ok "$status" "the entrypoint starts the daemon and nginx, and health answers 200"
[ "$status" = 0 ] || diag "$(tail -n 20 "$work/ep.log")"

RBD_API_URL=$https RBD_API_CACERT=$work/tls/tls.crt RBD_API_USER=admin RBD_API_PASSWORD=$password \
	api GET /api/v1/pools
expect_status 200 "HTTPS with basic auth: GET /api/v1/pools"
is "$(field .Kind)" PoolList "and it lists the cluster's pools"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/tls/tls.crt" "$https/api/v1/pools")
is "$code" 401 "HTTPS without credentials: 401"
# The docs page and Swagger UI's files, behind the same login.
out=$(curl -s -w ' %{http_code}' --cacert "$work/tls/tls.crt" -u "admin:$password" "$https/api/docs")
like "$out" 'swagger-ui-bundle\.js.* 200$' "GET /api/docs with basic auth: the Swagger UI page"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/tls/tls.crt" -u "admin:$password" \
	"$https/api/docs/swagger-ui-bundle.js")
is "$code" 200 "and the Swagger UI script it loads"
for path in /api/docs /api/docs/swagger-ui-bundle.js; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/tls/tls.crt" "$https$path")
	is "$code" 401 "$path without credentials: 401"
done
out=$(curl -s -w ' %{http_code}' "$health/api/v1/health")
like "$out" '^\{"Kind":"Health".*"status":"ok".* 200$' "plain HTTP: /api/v1/health without credentials: 200"
for path in /api/v1/pools /api/v1/version /api/v1/health/ /; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" "$health$path")
	is "$code" 404 "plain HTTP serves nothing else: $path is 404, credentials or not"
done
# nginx matches the normalised path; the daemon must route that one, not
# the raw URI (which here would name the pools).
out=$(curl -s --path-as-is -w ' %{http_code}' "$health/api/v1/pools/../health?detail=true")
like "$out" '^\{"Kind":"Health".* 200$' "a raw URI that normalises to /api/v1/health is answered as health"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$health/api/v1/health")
is "$code" 403 "the health port takes GET only"
like "$(cat "$work/run/nginx/health.conf")" 'error_page 500 502 503 504 = @unhealthy' \
	"an unhealthy answer there is a bare 503, without the cephx user or keyring path"
out=$("${as_user[@]}" env -i RBD_API_HTTP_PORT="$http_port" RBD_API_BIND_ADDRESS=127.0.0.1 \
	"$entrypoint" healthcheck 2>&1)
status=$?
ok "$status" "the HEALTHCHECK command (entrypoint healthcheck) passes"
[ "$status" = 0 ] || diag "$out"

workers=$(pgrep -x -P "$DAEMON" rbd-rest-api | wc -l)
is "$workers" 3 "RBD_API_WORKERS=3 reaches the daemon: 3 workers (the file says 2)"
like "$(tr '\0' ' ' <"/proc/$DAEMON/cmdline" 2>/dev/null)" ' --allow_pool_delete=true ' \
	"RBD_API_ALLOW_POOL_DELETE=true is passed as --allow_pool_delete=true"
uids=$(ps -o uid= -p "$EP_PID,$EP_BASH,$DAEMON,$NGINX,$(pgrep -P "$DAEMON" | paste -sd,),$(pgrep -P "$NGINX" | paste -sd,)" |
	tr -d ' ' | sort -u | tr '\n' ' ')
is "$uids" "$uid " "everything runs as uid $uid, nginx's master too"

nd=$work/run/nginx
# Through a pipe of that uid's own: nginx -t opens the access log, /dev/stdout.
out=$("${as_user[@]}" bash -c 'nginx -t -q -p "$1/" -c "$1/nginx.conf" -e stderr 2>&1 | cat; exit "${PIPESTATUS[0]}"' \
	- "$nd")
ok $? "the generated nginx config passes nginx -t (as uid $uid)"
[ -z "$out" ] || diag "$out"
ok "$(grep -Eq '^[[:space:]]*user[[:space:]]' "$nd/nginx.conf"; [ $? = 1 ]; echo $?)" \
	"it has no user directive"
bad=$(grep -E '^[[:space:]]*(pid|[a-z]+_temp_path)[[:space:]]' "$nd/nginx.conf" | grep -v " $work/run/")
is "$bad" "" "nginx writes only under the run directory (pid, temp paths)"
# The project's files, reused: only the EDIT lines differ.
changed=$(diff "$top/nginx/rbd-rest-api-location.conf" "$nd/location.conf" | grep -c '^>')
is "$changed" 3 "the /api/ location is the project's snippet with 3 lines changed (htpasswd, the docs page and Swagger UI)"
changed=$(diff "$top/nginx/rbd-rest-api.conf" "$nd/site.conf" | grep -c '^>')
is "$changed" 8 "the server config is the project's site with 8 lines changed (ports, cert, key, include, health, the two upstreams' socket)"

# SIGHUP: both reload, and keep serving.
kill -HUP "$EP_PID"
for i in $(seq 100); do grep -q 'event=master.ready .*generation=1' "$work/ep.log" && break; sleep 0.1; done
like "$(cat "$work/ep.log")" 'event=master.ready .*generation=1' "SIGHUP: the daemon replaced its workers"
code=$(curl -s -o /dev/null -w '%{http_code}' "$health/api/v1/health")
is "$code" 200 "and health still answers 200"

# SIGTERM: nginx, then the daemon, stop gracefully; exit 0.
read -ra pids <<<"$DAEMON $NGINX $(pgrep -P "$DAEMON" | tr "\n" " ")"
kill -TERM "$EP_PID"
ep_exit 30
is "$EP_STATUS" 0 "SIGTERM: the container stops with status 0"
ok "$(gone "${pids[@]}"; echo $?)" "and the daemon, its workers and nginx are gone"
like "$(cat "$work/ep.log")" 'stopped \(rbd-rest-api status 0, nginx status 0\)' "both stopped cleanly"

# Run 2: the daemon ends on its own: nginx is stopped, the exit non-zero.
ep_start
ok $? "started again (the file's 2 workers)"
is "$(pgrep -x -P "$DAEMON" rbd-rest-api | wc -l)" 2 "without RBD_API_WORKERS, the file's workers = 2 holds"
kill -TERM "$DAEMON"
ep_exit 30
ok "$([ "$EP_STATUS" != 0 ] && [ "$EP_STATUS" != still-running ]; echo $?)" \
	"the daemon exits: the container exits non-zero (status $EP_STATUS)"
ok "$(gone "$NGINX"; echo $?)" "and nginx is stopped"
like "$(cat "$work/ep.log")" 'rbd-rest-api exited \(status [0-9]+\); stopping nginx' "the log says why"

# Run 3: a self-signed certificate when asked; nginx exits: the daemon is
# stopped, the exit non-zero.
rm -rf "$work/run"/*
ep_start RBD_API_TLS_DIR="$work/empty" RBD_API_SELF_SIGNED=true
ok $? "RBD_API_SELF_SIGNED=true without a certificate: it starts"
like "$(cat "$work/ep.log")" 'self-signed' "and warns that the certificate is self-signed"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/run/tls/tls.crt" -u "admin:$password" \
	"$https/api/v1/version")
is "$code" 200 "HTTPS works with the generated certificate"
read -ra daemon_pids <<<"$DAEMON $(pgrep -P "$DAEMON" | tr "\n" " ")"
kill -TERM "$NGINX"
ep_exit 30
ok "$([ "$EP_STATUS" != 0 ] && [ "$EP_STATUS" != still-running ]; echo $?)" \
	"nginx exits: the container exits non-zero (status $EP_STATUS)"
ok "$(gone "${daemon_pids[@]}"; echo $?)" "and the daemon and its workers are stopped"

# Refusals, from `entrypoint check` (which starts nothing).
check_run RBD_API_TLS_DIR="$work/empty"
ok "$([ "$CHECK_STATUS" != 0 ]; echo $?)" "no certificate: refused"
like "$CHECK_OUT" "no TLS certificate: $work/empty/tls.crt .*RBD_API_SELF_SIGNED=true" \
	"the message says where it is expected, and the way out"
check_run RBD_API_HTPASSWD_FILE="$work/empty/htpasswd"
like "$CHECK_STATUS $CHECK_OUT" "^[1-9].*no htpasswd file at $work/empty/htpasswd" "no htpasswd: refused"
check_run RBD_API_WORKRES=3
like "$CHECK_STATUS $CHECK_OUT" '^[1-9].*RBD_API_WORKRES: unknown setting.* WORKERS ' \
	"a misspelt variable is refused, not ignored, and the known ones are listed"
check_run RBD_API_LISTEN=/tmp/elsewhere.sock
like "$CHECK_STATUS $CHECK_OUT" '^[1-9].*the container sets listen itself' "RBD_API_LISTEN is refused"
check_run RBD_API_WORKERS=lots
like "$CHECK_STATUS $CHECK_OUT" "^[1-9].*invalid: .*workers must be an integer" \
	"a bad value is refused with the daemon's own message"
check_run RBD_API_HTTPS_PORT=99999
like "$CHECK_STATUS $CHECK_OUT" "^[1-9].*RBD_API_HTTPS_PORT must be between 1 and 65535" "a bad port is refused"

done_testing
