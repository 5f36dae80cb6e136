# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/nginx.sh - run a private nginx in front of rbd-rest-api for tests.
#
# Source this file; it defines functions only and changes no shell options,
# so it is safe under `set -euo pipefail`.  Every function returns non-zero
# with a message on stderr when something goes wrong.
#
#   nginx_start DIR SOCKET_PATH HTTPS_PORT HTTP_PORT
#       Builds DIR/nginx/ (self-signed cert, htpasswd, nginx.conf, and
#       server.conf + location.conf made from the project's real
#       nginx/rbd-rest-api.conf and nginx/rbd-rest-api-location.conf), starts
#       nginx on 127.0.0.1 and waits until HTTPS answers.  Sets and exports:
#         NGINX_URL       https://127.0.0.1:HTTPS_PORT
#         NGINX_HTTP_URL  http://127.0.0.1:HTTP_PORT
#         API_USER        admin
#         API_PASSWORD    random, fresh on every start
#         API_VIEWER_PASSWORD, API_TENANT_PASSWORD  for users viewer, team-a
#         API_CLIENT_CERT, API_CLIENT_KEY  a client certificate (CN=robot-1)
#         API_CACERT      DIR/nginx/ca.crt (give to curl --cacert)
#         NGINX_PID       pid of the nginx master
#       and writes the same as `export` lines to DIR/nginx/env.
#   nginx_stop DIR      stops the nginx started in DIR (idempotent).
#   nginx_reload DIR    checks the config, sends HUP, waits for new workers.
#
# The FastCGI daemon does not have to be running when nginx starts: until it
# listens, /api/ answers with the JSON 502.
#
# Permissions: nginx's master runs as root here, its workers as www-data.
# The workers open the FastCGI socket and read the htpasswd file, so:
#   - start the daemon with socket mode 0660 and `socket_group www-data`
#     (the daemon's socket_group option), and
#   - DIR, DIR/nginx and the socket's directory must be traversable by
#     www-data; nginx_start chmods them 0755 when they are inside DIR and
#     checks access (as www-data) otherwise.

_NGINX_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Project's nginx/ directory: t/lib/../../nginx
_NGINX_SRC_DIR=$(cd "$_NGINX_SH_DIR/../.." && pwd)/nginx
_NGINX_WORKER_USER=www-data

_nginx_err() {
	printf 'nginx.sh: %s\n' "$*" >&2
}

# Escape a literal string for a sed ERE (with '|' as delimiter), then let
# any run of blanks in it match any run of whitespace.
_nginx_ere() {
	printf '%s' "$1" | sed -e 's/[]\[\\.*^$|/(){}+?]/\\&/g' -e 's/  */[[:space:]]+/g'
}
_nginx_sed_rep() {
	printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'
}

# _nginx_subst FILE DIRECTIVE OLD NEW [COUNT]
# Rewrite the (uncommented) line `DIRECTIVE OLD;` in FILE to
# `DIRECTIVE NEW;`, keeping indentation and any trailing comment (COUNT,
# default 1: how many such lines there are, e.g. the two fastcgi_pass of
# the /api/ location and its content location).
# Whitespace between the words may vary, the words may not.  The line must
# occur exactly once: anything else means the project's config changed and
# the tests would no longer exercise what we think, so fail loudly.
_nginx_subst() {
	local file=$1 directive=$2 old=$3 new=$4 count=${5:-1} re n
	re="^([[:space:]]*)$(_nginx_ere "$directive")[[:space:]]+$(_nginx_ere "$old")[[:space:]]*;"
	n=$(grep -cE -- "$re" "$file" || true)
	if [ "$n" != "$count" ]; then
		_nginx_err "expected exactly $count '$directive $old;' line(s) in $file" \
			"(copied from $_NGINX_SRC_DIR), found ${n:-0}; update" \
			"t/lib/nginx.sh together with the config"
		return 1
	fi
	sed -E -i -e "s|$re|\\1$(_nginx_sed_rep "$directive $new");|" "$file" || {
		_nginx_err "sed failed on $file"
		return 1
	}
	if grep -qE -- "$re" "$file" || ! grep -qF -- "$directive $new;" "$file"; then
		_nginx_err "substitution of '$directive $old;' in $file did not take"
		return 1
	fi
}

# _nginx_uncomment FILE OLD NEW
# Turn the commented-out line `# OLD;` in FILE into `NEW;` (an optional
# feature the shipped config leaves off), once, as _nginx_subst does.
_nginx_uncomment() {
	local file=$1 old=$2 new=$3 re n
	re="^([[:space:]]*)#[[:space:]]*$(_nginx_ere "$old")[[:space:]]*;"
	n=$(grep -cE -- "$re" "$file" || true)
	if [ "$n" != 1 ]; then
		_nginx_err "expected exactly one '# $old;' line in $file, found ${n:-0}"
		return 1
	fi
	sed -E -i -e "s|$re|\\1$(_nginx_sed_rep "$new");|" "$file" || return 1
	grep -qF -- "$new;" "$file" || { _nginx_err "uncommenting '$old' in $file did not take"; return 1; }
}

# _nginx_as_worker CMD... : run CMD as the nginx worker user (when root).
_nginx_as_worker() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u "$_NGINX_WORKER_USER" -- "$@"
	elif command -v setpriv >/dev/null 2>&1; then
		local uid gid
		uid=$(id -u "$_NGINX_WORKER_USER") gid=$(id -g "$_NGINX_WORKER_USER")
		setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
	else
		"$@"    # cannot check; nginx will report it
	fi
}

# _nginx_htpasswd FILE USER PASSWORD  (appends to FILE)
# A salted SHA-1 ({SSHA}) entry, as the README recommends for generated
# API passwords: nginx checks the password at every request, and bcrypt
# would cost ~2 ms of CPU each time, while a random 128-bit password needs
# no slow hash to resist guessing.
_nginx_htpasswd() {
	local file=$1 user=$2 pass=$3 salt digest
	salt=$(mktemp) && digest=$(mktemp) || return 1
	openssl rand 8 >"$salt" &&
		{ printf '%s' "$pass"; cat "$salt"; } | openssl dgst -sha1 -binary >"$digest" &&
		printf '%s:{SSHA}%s\n' "$user" "$(cat "$digest" "$salt" | base64 -w0)" >>"$file"
	local status=$?
	rm -f "$salt" "$digest"
	[ "$status" -eq 0 ] || _nginx_err "cannot hash the password with openssl"
	return "$status"
}

_nginx_pid_of() {    # DIR -> pid on stdout if that nginx master is alive
	local pidfile=$1/nginx/nginx.pid pid cmd
	[ -s "$pidfile" ] || return 1
	pid=$(cat "$pidfile" 2>/dev/null) || return 1
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	kill -0 "$pid" 2>/dev/null || return 1
	# Guard against pid reuse: it must be an nginx using this prefix.
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	case $cmd in *nginx*" $1/nginx/ "*) ;; *) return 1 ;; esac
	printf '%s\n' "$pid"
}

_nginx_args() {    # DIR -> the -p/-c/-e arguments, one per line
	printf '%s\n' -p "$1/nginx/" -c "$1/nginx/nginx.conf" -e "$1/nginx/error.log"
}

# _nginx_wait_https URL CACERT TIMEOUT_SECONDS
_nginx_wait_https() {
	local url=$1 cacert=$2 tries=$(( $3 * 10 )) code
	while [ "$tries" -gt 0 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
			--cacert "$cacert" "$url/" 2>/dev/null) || code=000
		[ "$code" != 000 ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

nginx_start() {
	if [ $# -ne 4 ]; then
		_nginx_err "usage: nginx_start DIR SOCKET_PATH HTTPS_PORT HTTP_PORT"
		return 2
	fi
	local dir=$1 sock=$2 https_port=$3 http_port=$4
	local nd sockdir password pid f
	# Same normalisation as nginx_stop/nginx_reload, so all three agree on
	# the prefix that identifies this nginx.
	dir=$(cd "$dir" 2>/dev/null && pwd) || { _nginx_err "no such directory: $1"; return 1; }
	case $sock in /*) ;; *) _nginx_err "SOCKET_PATH must be absolute: $sock"; return 1 ;; esac
	if [ "${#sock}" -ge 108 ]; then    # sun_path limit
		_nginx_err "SOCKET_PATH too long for a unix socket (${#sock} >= 108): $sock"
		return 1
	fi
	# The paths go unquoted into nginx's config: keep them plain.
	for f in "$dir" "$sock"; do
		case $f in *[!A-Za-z0-9._/:@+,=-]*)
			_nginx_err "path unusable in an nginx config: '$f'"; return 1 ;;
		esac
	done
	for f in "$https_port" "$http_port"; do
		case $f in ''|*[!0-9]*) _nginx_err "bad port: '$f'"; return 1 ;; esac
	done
	for f in nginx openssl curl; do
		command -v "$f" >/dev/null 2>&1 || { _nginx_err "$f not installed"; return 1; }
	done
	for f in rbd-rest-api.conf rbd-rest-api-location.conf; do
		[ -r "$_NGINX_SRC_DIR/$f" ] || { _nginx_err "missing $_NGINX_SRC_DIR/$f"; return 1; }
	done
	if [ "$(id -u)" = 0 ] && ! id "$_NGINX_WORKER_USER" >/dev/null 2>&1; then
		_nginx_err "user $_NGINX_WORKER_USER does not exist (is nginx installed?)"
		return 1
	fi
	if _nginx_pid_of "$dir" >/dev/null; then
		_nginx_err "an nginx is already running for $dir; nginx_stop it first"
		return 1
	fi

	nd=$dir/nginx
	mkdir -p "$nd" || { _nginx_err "cannot create $nd"; return 1; }
	# Workers (www-data) must traverse these to reach htpasswd and temp dirs.
	chmod 0755 "$dir" "$nd" || return 1
	sockdir=$(dirname "$sock")
	mkdir -p "$sockdir" || { _nginx_err "cannot create socket dir $sockdir"; return 1; }
	case $sockdir/ in
		"$dir"/*) chmod 0755 "$sockdir" || return 1 ;;
	esac

	# Replicas (NGINX_UPSTREAM_SOCKETS: the other daemons' sockets): more
	# servers in the shipped upstream, taking turns, as a load balancer
	# in front of several hosts.
	local servers="unix:$sock" other
	for other in ${NGINX_UPSTREAM_SOCKETS:-}; do
		case $other in /*) ;; *) _nginx_err "socket must be absolute: $other"; return 1 ;; esac
		servers+="; server unix:$other"
	done

	# --- TLS: a self-signed certificate is its own CA for curl --cacert.
	if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -days 90 -subj "/CN=localhost" \
			-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
			-keyout "$nd/server.key" -out "$nd/server.crt" >"$nd/openssl.log" 2>&1; then
		_nginx_err "openssl req failed:"; cat "$nd/openssl.log" >&2
		return 1
	fi
	chmod 0600 "$nd/server.key"
	cp "$nd/server.crt" "$nd/ca.crt" || return 1

	# --- client certificates: a CA of their own, and one machine client
	# (CN=robot-1) it signed, for the optional certificate login.
	if ! { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-days 90 -subj "/CN=rbd-rest-api test clients CA" \
			-keyout "$nd/client-ca.key" -out "$nd/client-ca.crt" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-subj "/O=rbd-rest-api tests/CN=robot-1" \
			-keyout "$nd/client.key" -out "$nd/client.csr" &&
		openssl x509 -req -in "$nd/client.csr" -CA "$nd/client-ca.crt" \
			-CAkey "$nd/client-ca.key" -CAcreateserial -days 90 -out "$nd/client.crt"
	} >>"$nd/openssl.log" 2>&1; then
		_nginx_err "making the client certificates failed:"; cat "$nd/openssl.log" >&2
		return 1
	fi

	# --- basic auth
	password=$(openssl rand -hex 16) || { _nginx_err "openssl rand failed"; return 1; }
	rm -f "$nd/htpasswd"
	_nginx_htpasswd "$nd/htpasswd" admin "$password" || return 1
	# The users the stack's policy (t/lib/stack.sh) gives narrower roles.
	API_VIEWER_PASSWORD=$(openssl rand -hex 16) && API_TENANT_PASSWORD=$(openssl rand -hex 16) ||
		{ _nginx_err "openssl rand failed"; return 1; }
	_nginx_htpasswd "$nd/htpasswd" viewer "$API_VIEWER_PASSWORD" || return 1
	_nginx_htpasswd "$nd/htpasswd" team-a "$API_TENANT_PASSWORD" || return 1
	# Read by the workers at every request.
	if [ "$(id -u)" = 0 ]; then
		chgrp "$_NGINX_WORKER_USER" "$nd/htpasswd" && chmod 0640 "$nd/htpasswd" || return 1
	else
		chmod 0644 "$nd/htpasswd" || return 1
	fi

	# The snippet says `include fastcgi_params;`, which nginx resolves
	# relative to the directory of nginx.conf: give it Debian's copy.
	cp /etc/nginx/fastcgi_params "$nd/fastcgi_params" || {
		_nginx_err "cannot copy /etc/nginx/fastcgi_params"; return 1; }

	# --- the project's real config, with only the site-specific lines changed
	# shellcheck disable=SC2016  # nginx variables, literal on purpose
	local redirect_default='301 https://rbd-api.example.com$request_uri'
	cp "$_NGINX_SRC_DIR/rbd-rest-api.conf" "$nd/server.conf" || return 1
	cp "$_NGINX_SRC_DIR/rbd-rest-api-location.conf" "$nd/location.conf" || return 1
	_nginx_subst "$nd/server.conf" listen '80' "127.0.0.1:$http_port" &&
	_nginx_subst "$nd/server.conf" listen '443 ssl http2' "127.0.0.1:$https_port ssl http2" &&
	_nginx_subst "$nd/server.conf" return "$redirect_default" \
		"301 https://127.0.0.1:$https_port\$request_uri" &&
	_nginx_subst "$nd/server.conf" ssl_certificate '/etc/nginx/ssl/rbd-rest-api.crt' "$nd/server.crt" &&
	_nginx_subst "$nd/server.conf" ssl_certificate_key '/etc/nginx/ssl/rbd-rest-api.key' "$nd/server.key" &&
	_nginx_subst "$nd/server.conf" include '/etc/nginx/snippets/rbd-rest-api-location.conf' "$nd/location.conf" &&
	_nginx_subst "$nd/location.conf" auth_basic_user_file '/etc/nginx/rbd-rest-api.htpasswd' "$nd/htpasswd" &&
	_nginx_subst "$nd/server.conf" server 'unix:/run/rbd-rest-api/rbd-rest-api.sock' "$servers" 2 &&
	[ "$(grep -cE '^[[:space:]]*fastcgi_pass[[:space:]]+rbd_rest_api(_streams)?;' "$nd/location.conf")" = 2 ] &&
	_nginx_uncomment "$nd/server.conf" 'ssl_client_certificate /etc/nginx/ssl/rbd-rest-api-clients-ca.crt' \
		"ssl_client_certificate $nd/client-ca.crt" &&
	_nginx_uncomment "$nd/server.conf" 'ssl_verify_client optional' 'ssl_verify_client optional' &&
	cp "$_NGINX_SRC_DIR/api-docs.html" "$nd/api-docs.html" &&
	_nginx_subst "$nd/location.conf" alias '/usr/local/share/rbd-rest-api/api-docs.html' "$nd/api-docs.html" ||
		return 1
	# The benchmark drives one address far past the per-address limit.
	if [ -n "${RBD_NGINX_RATE:-}" ]; then
		# shellcheck disable=SC2016  # nginx variables, literal
		_nginx_subst "$nd/server.conf" limit_req_zone \
			'$binary_remote_addr zone=rbd_api_req:10m rate=300r/s' \
			"\$binary_remote_addr zone=rbd_api_req:10m rate=$RBD_NGINX_RATE" || return 1
	fi
	# ... and holds more connections from it than the shipped 64.
	local worker_connections=256
	if [ -n "${RBD_NGINX_CONN:-}" ]; then
		_nginx_subst "$nd/location.conf" limit_conn 'rbd_api_conn 64' \
			"rbd_api_conn $RBD_NGINX_CONN" || return 1
		# A client's connection and its request's FastCGI connection.
		worker_connections=$((2 * RBD_NGINX_CONN + 64))
	fi

	# The benchmark's ceiling (t/bench/bench.py, system "nginx"): nginx
	# itself answering with the health body after the same work as the
	# /api/ location does before passing a request on: the request
	# limits and basic auth. Not `return 200`: return runs in the rewrite
	# phase, before limits and auth, and answered without checking the
	# password at all. A static file runs in the content phase, after
	# them; open_file_cache keeps it open, as close to return as nginx
	# gets.
	if [ "${RBD_NGINX_CEILING:-}" = 1 ]; then
		printf '%s\n' '{"Kind":"Health","APIVersion":"v1","status":"ok","fsid":"00000000-0000-0000-0000-000000000000","pid":1}' \
			>"$nd/ceiling.json" || return 1
		cat >>"$nd/location.conf" <<EOF || return 1

location = /api/ceiling {
    limit_req  zone=rbd_api_req burst=1000 delay=100;
    limit_conn rbd_api_conn ${RBD_NGINX_CONN:-64};
    limit_req_status  429;
    limit_conn_status 429;
    auth_basic           \$rbd_api_auth_basic;
    auth_basic_user_file $nd/htpasswd;
    default_type "application/json; charset=utf-8";
    add_header X-Request-Id \$request_id always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    open_file_cache max=4 inactive=1h;
    open_file_cache_valid 1h;
    alias $nd/ceiling.json;
}
EOF
	fi

	# --- top-level config
	local user_line=
	[ "$(id -u)" = 0 ] && user_line="user $_NGINX_WORKER_USER;"
	cat >"$nd/nginx.conf" <<EOF || return 1
# Generated by t/lib/nginx.sh for a test run; do not edit.
$user_line
daemon on;
master_process on;
worker_processes 1;
pid $nd/nginx.pid;
error_log $nd/error.log info;

events {
	worker_connections $worker_connections;
}

http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;

	log_format rbd_api '\$remote_addr - \$remote_user [\$time_local] "\$request" '
					   '\$status \$body_bytes_sent rid=\$request_id '
					   'rt=\$request_time urt=\$upstream_response_time';
	access_log $nd/access.log rbd_api;

	client_body_temp_path $nd/tmp/body;
	proxy_temp_path       $nd/tmp/proxy;
	fastcgi_temp_path     $nd/tmp/fastcgi;
	uwsgi_temp_path       $nd/tmp/uwsgi;
	scgi_temp_path        $nd/tmp/scgi;

	sendfile on;
	tcp_nodelay on;

	include $nd/server.conf;
}
EOF
	mkdir -p "$nd/tmp" && chmod 0755 "$nd/tmp" || return 1

	# --- can the workers reach what they need?
	if ! _nginx_as_worker test -r "$nd/htpasswd"; then
		_nginx_err "$_NGINX_WORKER_USER cannot read $nd/htpasswd (check permissions of $dir and its parents)"
		return 1
	fi
	if ! _nginx_as_worker test -x "$sockdir"; then
		_nginx_err "$_NGINX_WORKER_USER cannot traverse socket dir $sockdir"
		return 1
	fi

	local -a args
	mapfile -t args < <(_nginx_args "$dir")
	if ! nginx -t -q "${args[@]}" 2>"$nd/nginx-t.log"; then
		_nginx_err "generated config does not pass nginx -t:"; cat "$nd/nginx-t.log" >&2
		return 1
	fi
	if ! nginx "${args[@]}" 2>"$nd/start.log"; then
		_nginx_err "nginx failed to start (log: $nd/error.log):"
		if [ -s "$nd/start.log" ]; then
			tail -n 20 "$nd/start.log" >&2
		else
			tail -n 20 "$nd/error.log" >&2 2>/dev/null
		fi
		return 1
	fi

	local tries=50
	until pid=$(_nginx_pid_of "$dir"); do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			_nginx_err "nginx did not write $nd/nginx.pid"
			tail -n 20 "$nd/error.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	if ! _nginx_wait_https "https://127.0.0.1:$https_port" "$nd/ca.crt" 10; then
		_nginx_err "nginx (pid $pid) does not answer on https://127.0.0.1:$https_port"
		tail -n 20 "$nd/error.log" >&2 2>/dev/null
		nginx_stop "$dir"
		return 1
	fi

	NGINX_PID=$pid
	NGINX_URL=https://127.0.0.1:$https_port
	NGINX_HTTP_URL=http://127.0.0.1:$http_port
	API_USER='admin'
	API_PASSWORD=$password
	API_CACERT=$nd/ca.crt
	API_CLIENT_CERT=$nd/client.crt
	API_CLIENT_KEY=$nd/client.key
	export NGINX_PID NGINX_URL NGINX_HTTP_URL API_USER API_PASSWORD API_CACERT \
		API_VIEWER_PASSWORD API_TENANT_PASSWORD API_CLIENT_CERT API_CLIENT_KEY
	{
		local v
		for v in NGINX_PID NGINX_URL NGINX_HTTP_URL API_USER API_PASSWORD API_CACERT \
			API_VIEWER_PASSWORD API_TENANT_PASSWORD API_CLIENT_CERT API_CLIENT_KEY; do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
	} >"$nd/env" || return 1
	chmod 0600 "$nd/env"
}

nginx_stop() {
	if [ $# -ne 1 ]; then
		_nginx_err "usage: nginx_stop DIR"
		return 2
	fi
	local dir=$1 pid tries
	dir=$(cd "$dir" 2>/dev/null && pwd) || return 0    # nothing there: nothing to stop
	pid=$(_nginx_pid_of "$dir") || return 0
	# TERM = fast shutdown (drops in-flight requests; fine for tests).
	kill -TERM "$pid" 2>/dev/null || true
	tries=50
	while kill -0 "$pid" 2>/dev/null; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			_nginx_err "nginx $pid ignored TERM; killing its process group"
			# The master is a session/group leader after daemonising, so
			# this reaches exactly it and its workers.
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
			sleep 0.2
			break
		fi
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		_nginx_err "could not stop nginx $pid"
		return 1
	fi
	rm -f "$dir/nginx/nginx.pid"
	return 0
}

nginx_reload() {
	if [ $# -ne 1 ]; then
		_nginx_err "usage: nginx_reload DIR"
		return 2
	fi
	local dir pid nd old new tries
	dir=$(cd "$1" 2>/dev/null && pwd) || { _nginx_err "no such directory: $1"; return 1; }
	nd=$dir/nginx
	pid=$(_nginx_pid_of "$dir") || { _nginx_err "no nginx running for $dir"; return 1; }
	local -a args
	mapfile -t args < <(_nginx_args "$dir")
	# A HUP with a broken config is only logged and the old config kept;
	# check first so the caller hears about it.
	if ! nginx -t -q "${args[@]}" 2>"$nd/nginx-t.log"; then
		_nginx_err "config does not pass nginx -t, not reloading:"; cat "$nd/nginx-t.log" >&2
		return 1
	fi
	old=$(pgrep -P "$pid" 2>/dev/null | sort | tr '\n' ' ') || true
	kill -HUP "$pid" || { _nginx_err "cannot signal nginx $pid"; return 1; }
	# Done when the master has a worker that was not there before.
	tries=50
	while :; do
		new=$(pgrep -P "$pid" 2>/dev/null | sort | tr '\n' ' ') || true
		if [ -n "$new" ]; then
			local w fresh=0
			for w in $new; do
				case " $old " in *" $w "*) ;; *) fresh=1 ;; esac
			done
			[ "$fresh" = 1 ] && break
		fi
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			_nginx_err "nginx $pid did not start new workers after HUP"
			tail -n 20 "$nd/error.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null || { _nginx_err "nginx $pid died on reload"; return 1; }
	return 0
}
