#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# rbd-rest-api-entrypoint - runs rbd-rest-api and nginx together in one
# container (installed in the image as /usr/local/bin/rbd-rest-api-entrypoint,
# started by tini).
#
#   rbd-rest-api-entrypoint [run]       start both; when either one exits, stop
#                                       the other and exit non-zero
#   rbd-rest-api-entrypoint check       check the settings, the mounted files
#                                       and the generated nginx config; exit
#   rbd-rest-api-entrypoint healthcheck GET /api/v1/health on the health port
#                                       (Docker's HEALTHCHECK)
#   rbd-rest-api-entrypoint CMD [ARG...]  run CMD instead (e.g. bash)
#
# Configuration comes from the daemon's config file (if one is mounted) and
# from environment variables: every daemon key KEY (see `rbd-rest-api
# --help`) can be set as RBD_API_<KEY in upper case>, e.g. RBD_API_WORKERS=4,
# RBD_API_CEPH_ID=rbdapi, RBD_API_ALLOW_POOL_DELETE=true. They reach the
# daemon as --key=value, which wins over the file. An RBD_API_* variable
# that is neither a daemon key nor one of the container settings below stops
# the start: a typo must not be silently ignored.
#
# Container settings (defaults in brackets):
#   RBD_API_HTTPS_PORT     [8443]  the API: HTTPS with basic auth
#   RBD_API_HTTP_PORT      [8080]  plain HTTP: only /api/v1/health, no auth
#   RBD_API_BIND_ADDRESS   []      address nginx listens on; empty = every
#                                  IPv4 address; [::] for IPv6
#   RBD_API_NGINX_WORKERS  [2]     nginx worker processes
#   RBD_API_SELF_SIGNED    [false] true: without a mounted certificate,
#                                  generate a throwaway self-signed one
#   RBD_API_TLS_DIR        [/etc/rbd-rest-api/tls]  tls.crt and tls.key
#   RBD_API_HTPASSWD_FILE  [/etc/rbd-rest-api/htpasswd/htpasswd]
#   RBD_API_CONFIG_FILE    []      daemon config file; empty = the daemon's
#                                  default (/etc/rbd-rest-api/rbd-rest-api.conf)
#                                  if it exists
#   RBD_API_RUN_DIR        [/run/rbd-rest-api]  writable: the FastCGI socket,
#                                  nginx's generated config, pid and temp files
#   RBD_API_INSTALL_ROOT   [/]     where usr/sbin/rbd-rest-api,
#                                  etc/nginx/{sites-available,snippets} and
#                                  usr/share/rbd-rest-api/{api-docs.html,
#                                  swagger-ui/} are (a
#                                  `make install DESTDIR=` tree, for testing
#                                  this script outside the image)
# The daemon's listen, socket_mode and socket_group are set here (the socket
# in RBD_API_RUN_DIR, only for this user) and cannot be overridden.
#
# nginx's config is made at start from the project's own files, installed by
# `make install`: the site (nginx/rbd-rest-api.conf) and the /api/ location
# (nginx/rbd-rest-api-location.conf), with only their "EDIT" lines rewritten
# (ports, certificate, htpasswd, socket, the /api/docs files) as
# t/lib/nginx.sh does, and the site's port-80 redirect replaced by the
# health-only location.
#
# Signals: TERM or INT stop gracefully (nginx finishes its requests, then
# the daemon gets TERM and finishes its own, within its shutdown_timeout); a
# second one stops fast. HUP reloads both (the daemon re-reads its file,
# nginx re-reads the certificate).
set -uo pipefail

prog=rbd-rest-api-entrypoint

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "$*"; exit 2; }

# Container settings: name (without RBD_API_) and default.
declare -A settings=(
	[HTTPS_PORT]=8443
	[HTTP_PORT]=8080
	[BIND_ADDRESS]=''
	[NGINX_WORKERS]=2
	[SELF_SIGNED]=false
	[TLS_DIR]=/etc/rbd-rest-api/tls
	[HTPASSWD_FILE]=/etc/rbd-rest-api/htpasswd/htpasswd
	[CONFIG_FILE]=''
	[RUN_DIR]=/run/rbd-rest-api
	[INSTALL_ROOT]=/
)
# Daemon keys this script sets itself.
managed_keys=" listen socket_mode socket_group "

setting() {
	local name=RBD_API_$1
	printf '%s' "${!name-${settings[$1]}}"
}

is_true() {
	case $1 in
	true | yes | 1) return 0 ;;
	false | no | 0 | '') return 1 ;;
	*) die "RBD_API_$2 must be true or false, not \"$1\"" ;;
	esac
}

check_port() {
	case $1 in
	'' | *[!0-9]*) die "RBD_API_$2 must be a TCP port number, not \"$1\"" ;;
	esac
	if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
		die "RBD_API_$2 must be between 1 and 65535, not $1"
	fi
}

# Paths go unquoted into nginx's config: keep them plain.
check_path() {
	case $1 in
	/*) ;;
	*) die "$2 must be an absolute path, not \"$1\"" ;;
	esac
	case $1 in
	*[!A-Za-z0-9._/@+,=-]*) die "$2 has characters unusable in an nginx config: \"$1\"" ;;
	esac
}

# Reads every setting, checks it and sets the globals the rest uses.
load_settings() {
	local name key keys=" " help
	root=$(setting INSTALL_ROOT)
	root=${root%/}
	bin=$root/usr/sbin/rbd-rest-api
	site_src=$root/etc/nginx/sites-available/rbd-rest-api.conf
	snippet_src=$root/etc/nginx/snippets/rbd-rest-api-location.conf
	# The /api/docs page and Swagger UI's files (docker/Dockerfile).
	docs_page=$root/usr/share/rbd-rest-api/api-docs.html
	swagger_ui=$root/usr/share/rbd-rest-api/swagger-ui/
	[ -x "$bin" ] || die "$bin is missing or not executable (RBD_API_INSTALL_ROOT=${root:-/})"

	# The daemon's keys, from the daemon itself, so this list cannot fall
	# behind: "  --key   help" lines.
	help=$("$bin" --help 2>&1) || die "$bin --help failed: $help"
	while read -r key _; do
		case $key in --[a-z]*) keys+="${key#--} " ;; esac
	done <<<"$help"
	[ "$keys" != " " ] || die "cannot read the configuration keys from $bin --help"
	for name in "${!settings[@]}"; do
		key=${name,,}
		case $keys in
		*" $key "*) die "internal: RBD_API_$name is both a container setting and the daemon key $key; rename the container setting" ;;
		esac
	done

	daemon_args=()
	config_file=$(setting CONFIG_FILE)
	if [ -n "$config_file" ]; then
		[ -r "$config_file" ] || die "RBD_API_CONFIG_FILE=$config_file: no such file, or not readable by uid $(id -u)"
		daemon_args+=(-c "$config_file")
	fi
	for name in $(compgen -e | sort); do
		case $name in RBD_API_?*) ;; *) continue ;; esac
		key=${name#RBD_API_}
		[ -n "${settings[$key]+set}" ] && continue
		key=${key,,}
		case $managed_keys in
		*" $key "*) die "$name: the container sets $key itself (the socket nginx talks to); remove $name" ;;
		esac
		case $keys in
		*" $key "*) daemon_args+=("--$key=${!name}") ;;
		*)
			die "$name: unknown setting. Daemon keys (as RBD_API_<KEY>):${keys^^}." \
				"Container settings: $(printf 'RBD_API_%s\n' "${!settings[@]}" | sort | tr '\n' ' ')"
			;;
		esac
	done

	https_port=$(setting HTTPS_PORT)
	http_port=$(setting HTTP_PORT)
	check_port "$https_port" HTTPS_PORT
	check_port "$http_port" HTTP_PORT
	[ "$https_port" != "$http_port" ] || die "RBD_API_HTTPS_PORT and RBD_API_HTTP_PORT are both $https_port"
	bind=$(setting BIND_ADDRESS)
	case $bind in
	*[!0-9A-Fa-f.:\[\]]*) die "RBD_API_BIND_ADDRESS must be an IP address (IPv6 in brackets), not \"$bind\"" ;;
	esac
	nginx_workers=$(setting NGINX_WORKERS)
	case $nginx_workers in
	'' | *[!0-9]* | 0) die "RBD_API_NGINX_WORKERS must be a positive integer, not \"$nginx_workers\"" ;;
	esac
	self_signed=false
	is_true "$(setting SELF_SIGNED)" SELF_SIGNED && self_signed=true

	tls_dir=$(setting TLS_DIR)
	htpasswd=$(setting HTPASSWD_FILE)
	run_dir=$(setting RUN_DIR)
	run_dir=${run_dir%/}
	check_path "$tls_dir" RBD_API_TLS_DIR
	check_path "$htpasswd" RBD_API_HTPASSWD_FILE
	check_path "$run_dir" RBD_API_RUN_DIR
	socket=$run_dir/rbd-rest-api.sock
	[ "${#socket}" -lt 108 ] || die "RBD_API_RUN_DIR is too long for a unix socket path: $socket"
	nginx_dir=$run_dir/nginx
	daemon_args+=("--listen=$socket" --socket_mode=0600 --socket_group=)
}

# Checks the daemon's configuration (file + arguments) without starting it.
check_daemon_config() {
	local out
	out=$("$bin" "${daemon_args[@]}" -t 2>&1) || die "the daemon's configuration is invalid: $out"
}

check_files() {
	local uid
	uid=$(id -u)
	cert=$tls_dir/tls.crt
	key=$tls_dir/tls.key
	if [ ! -e "$cert" ] && [ ! -e "$key" ] && [ "$self_signed" = true ]; then
		make_self_signed
	elif [ ! -e "$cert" ] || [ ! -e "$key" ]; then
		die "no TLS certificate: $cert and $tls_dir/tls.key must both exist." \
			"Mount them (Kubernetes: a kubernetes.io/tls Secret at $tls_dir; docker:" \
			"-v DIR:$tls_dir:ro with tls.crt and tls.key in DIR), or set" \
			"RBD_API_SELF_SIGNED=true to generate a throwaway self-signed one for trying it out."
	fi
	[ -r "$cert" ] || die "$cert is not readable by uid $uid (check the file's owner and mode, or the pod's fsGroup)"
	[ -r "$key" ] || die "$key is not readable by uid $uid (check the file's owner and mode, or the pod's fsGroup)"
	[ -e "$htpasswd" ] || die "no htpasswd file at $htpasswd: create one with" \
		"\`htpasswd -cB FILE USER\` and mount it there (Kubernetes: a Secret with the key" \
		"htpasswd at $(dirname "$htpasswd"); docker: -v FILE:$htpasswd:ro)"
	[ -r "$htpasswd" ] || die "$htpasswd is not readable by uid $uid (check the file's owner and mode, or the pod's fsGroup)"
	grep -q '^[^:#[:space:]][^:]*:.' "$htpasswd" ||
		die "$htpasswd has no \"user:hash\" line; create it with \`htpasswd -cB FILE USER\`"
	local ceph_conf=${RBD_API_CEPH_CONF:-${CEPH_CONF:-/etc/ceph/ceph.conf}}
	if [ -z "$config_file" ] && [ ! -r "$ceph_conf" ]; then
		say "warning: $ceph_conf is missing or not readable by uid $uid;" \
			"the API answers 503 until the cluster can be reached (mount /etc/ceph with ceph.conf and the keyring)"
	fi
}

make_self_signed() {
	local dir=$run_dir/tls host
	host=$(hostname 2>/dev/null || echo localhost)
	mkdir -p "$dir" || die "cannot create $dir"
	chmod 0700 "$dir" || die "cannot chmod $dir"
	cert=$dir/tls.crt
	key=$dir/tls.key
	if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
		-subj "/CN=$host" -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" \
		-keyout "$key" -out "$cert" >"$dir/openssl.log" 2>&1; then
		die "cannot generate a self-signed certificate: $(cat "$dir/openssl.log")"
	fi
	say "warning: RBD_API_SELF_SIGNED=true and no certificate in $tls_dir: serving a self-signed" \
		"certificate for $host, valid 30 days, $(openssl x509 -in "$cert" -noout -fingerprint -sha256)." \
		"For trying it out only; clients must skip verification (curl -k) or trust $cert."
}

# subst FILE DIRECTIVE OLD NEW [COUNT]: rewrites the COUNT (default one)
# lines `DIRECTIVE OLD;` of FILE (indentation and any trailing comment
# kept) to `NEW;`. Any other number of such lines means the project's
# nginx files changed: stop.
subst() {
	local file=$1 directive=$2 old=$3 new=$4 count=${5:-1} re n
	re="^([[:space:]]*)$(ere "$directive")[[:space:]]+$(ere "$old")[[:space:]]*;"
	n=$(grep -cE -- "$re" "$file")
	[ "$n" = "$count" ] || die "expected exactly $count '$directive $old;' line(s) in $file, found $n;" \
		"update docker/entrypoint.sh together with the nginx files"
	sed -E -i -e "s|$re|\\1$(printf '%s' "$new" | sed -e 's/[\\&|]/\\&/g');|" "$file" ||
		die "sed failed on $file"
}
ere() {
	printf '%s' "$1" | sed -e 's/[]\[\\.*^$|/(){}+?]/\\&/g' -e 's/  */[[:space:]]+/g'
}

render_nginx() {
	local f listen_prefix=
	[ -n "$bind" ] && listen_prefix=$bind:
	for f in "$site_src" "$snippet_src" "$docs_page" "${swagger_ui}swagger-ui-bundle.js" \
		/etc/nginx/fastcgi_params /etc/nginx/mime.types; do
		[ -r "$f" ] || die "missing $f"
	done
	mkdir -p "$run_dir" "$nginx_dir/tmp" || die "cannot create $nginx_dir (RBD_API_RUN_DIR must be writable)"
	rm -f "$nginx_dir"/*.conf

	# `include fastcgi_params;` resolves next to nginx.conf.
	cp /etc/nginx/fastcgi_params "$nginx_dir/fastcgi_params" || die "cannot write to $nginx_dir"
	cp "$snippet_src" "$nginx_dir/location.conf" || die "cannot write to $nginx_dir"
	cp "$site_src" "$nginx_dir/site.conf" || die "cannot write to $nginx_dir"
	# shellcheck disable=SC2016  # nginx variables, literal
	subst "$nginx_dir/site.conf" listen '80' "listen ${listen_prefix}$http_port"
	# shellcheck disable=SC2016
	subst "$nginx_dir/site.conf" return '301 https://rbd-api.example.com$request_uri' "include $nginx_dir/health.conf"
	subst "$nginx_dir/site.conf" listen '443 ssl http2' "listen ${listen_prefix}$https_port ssl http2"
	subst "$nginx_dir/site.conf" ssl_certificate /etc/nginx/ssl/rbd-rest-api.crt "ssl_certificate $cert"
	subst "$nginx_dir/site.conf" ssl_certificate_key /etc/nginx/ssl/rbd-rest-api.key "ssl_certificate_key $key"
	subst "$nginx_dir/site.conf" include /etc/nginx/snippets/rbd-rest-api-location.conf \
		"include $nginx_dir/location.conf"
	subst "$nginx_dir/location.conf" auth_basic_user_file /etc/nginx/rbd-rest-api.htpasswd \
		"auth_basic_user_file $htpasswd"
	subst "$nginx_dir/site.conf" server unix:/run/rbd-rest-api/rbd-rest-api.sock \
		"server unix:$socket" 2
	subst "$nginx_dir/location.conf" alias /usr/local/share/rbd-rest-api/api-docs.html \
		"alias $docs_page"
	subst "$nginx_dir/location.conf" alias /usr/local/lib/rbd-rest-api/npm/node_modules/swagger-ui-dist/ \
		"alias $swagger_ui"

	cat >"$nginx_dir/health.conf" <<EOF || die "cannot write to $nginx_dir"
# Written by $prog at start. The plain-HTTP port serves only the health
# check, without authentication, for Kubernetes probes and Docker's
# HEALTHCHECK: it says whether this container can serve, nothing more.
# Probes come every few seconds: not worth an access log line each.
access_log off;

# nginx matched the normalised path; the daemon routes on REQUEST_URI, so
# it gets exactly that path (no raw %-escapes, dot segments or query that
# could route elsewhere), GET only, no user and no request headers.
location = /api/v1/health {
    limit_except GET { deny all; }
    # Not fastcgi_params: it sends REQUEST_URI \$request_uri, and of two
    # params of one name libfcgi returns the first.
    fastcgi_param REQUEST_METHOD \$request_method;
    fastcgi_param REQUEST_URI    /api/v1/health;
    fastcgi_param QUERY_STRING   "";
    fastcgi_param CONTENT_LENGTH "";
    fastcgi_param REQUEST_ID     \$request_id;
    fastcgi_connect_timeout 5s;
    fastcgi_read_timeout    10s;
    # A failing health answer says why (the cephx user, the keyring path
    # tried): that is for the authenticated port. Unauthenticated callers
    # get only the status.
    fastcgi_intercept_errors on;
    error_page 500 502 503 504 = @unhealthy;
    fastcgi_pass unix:$socket;
}

location @unhealthy {
    default_type "application/json; charset=utf-8";
    add_header X-Request-Id \$request_id always;
    return 503 '{"Kind":"Status","APIVersion":"v1","status":"Failure","code":503,"reason":"ServiceUnavailable","message":"not healthy; see the container log or GET /api/v1/health on the HTTPS port"}\n';
}

location / {
    default_type "application/json; charset=utf-8";
    add_header X-Request-Id \$request_id always;
    return 404 '{"Kind":"Status","APIVersion":"v1","status":"Failure","code":404,"reason":"NotFound","message":"only /api/v1/health is served on this port; the API is on HTTPS port $https_port"}\n';
}
EOF

	cat >"$nginx_dir/nginx.conf" <<EOF || die "cannot write to $nginx_dir"
# Written by $prog at every start; edits are lost. nginx runs as the
# container's unprivileged user: no \`user\` directive, and every path it
# writes is under $run_dir.
daemon off;
worker_processes $nginx_workers;
pid $nginx_dir/nginx.pid;
error_log stderr warn;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;

    log_format rbd_api '\$remote_addr - \$remote_user [\$time_local] "\$request" '
                       '\$status \$body_bytes_sent rid=\$request_id '
                       'rt=\$request_time urt=\$upstream_response_time';
    access_log /dev/stdout rbd_api;

    client_body_temp_path $nginx_dir/tmp/body;
    proxy_temp_path       $nginx_dir/tmp/proxy;
    fastcgi_temp_path     $nginx_dir/tmp/fastcgi;
    uwsgi_temp_path       $nginx_dir/tmp/uwsgi;
    scgi_temp_path        $nginx_dir/tmp/scgi;

    sendfile on;
    tcp_nodelay on;

    include $nginx_dir/site.conf;
}
EOF
	nginx_args=(-p "$nginx_dir/" -c "$nginx_dir/nginx.conf" -e stderr)
	local out
	out=$(nginx -t -q "${nginx_args[@]}" 2>&1) || die "the generated nginx config ($nginx_dir/nginx.conf) is invalid: $out"
}

prepare() {
	load_settings
	check_daemon_config
	check_files
	render_nginx
}

# --- run: start both, supervise, stop

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

stopping=
on_stop_signal() {
	if [ -n "$stopping" ]; then
		say "$1 again: stopping fast"
		alive "$nginx_pid" && kill -TERM "$nginx_pid" 2>/dev/null
		alive "$daemon_pid" && kill -TERM "$daemon_pid" 2>/dev/null
		return
	fi
	stopping=$1
	say "$1: stopping (nginx finishes its requests first, then rbd-rest-api)"
	alive "$nginx_pid" && kill -QUIT "$nginx_pid" 2>/dev/null
}
on_hup() {
	say "HUP: reloading rbd-rest-api and nginx"
	alive "$daemon_pid" && kill -HUP "$daemon_pid" 2>/dev/null
	if alive "$nginx_pid"; then
		if out=$(nginx -t -q "${nginx_args[@]}" 2>&1); then
			kill -HUP "$nginx_pid" 2>/dev/null
		else
			say "nginx config check failed, nginx keeps its old config: $out"
		fi
	fi
}

kill_children() {
	alive "${nginx_pid:-}" && kill -TERM "$nginx_pid" 2>/dev/null
	alive "${daemon_pid:-}" && kill -TERM "$daemon_pid" 2>/dev/null
	return 0
}

# reap PID: waits until PID (a child) has exited; sets reaped_status.
reap() {
	local pid=$1
	reaped_status=0
	while :; do
		wait "$pid"
		reaped_status=$?
		# > 128 and still alive: wait was interrupted by a trapped signal.
		alive "$pid" || return 0
	done
}

run() {
	prepare
	daemon_pid=
	nginx_pid=
	trap 'on_stop_signal TERM' TERM
	trap 'on_stop_signal INT' INT
	trap 'on_hup' HUP
	# Should this script itself fail, it must not leave the two behind
	# (outside a container nothing else would stop them).
	trap 'kill_children' EXIT

	say "starting rbd-rest-api (${daemon_args[*]}) and nginx (HTTPS ${bind:-*}:$https_port, health ${bind:-*}:$http_port)"
	"$bin" "${daemon_args[@]}" </dev/null &
	daemon_pid=$!
	local i
	for ((i = 0; i < 300; i++)); do
		[ -S "$socket" ] && break
		if ! alive "$daemon_pid"; then
			reap "$daemon_pid"
			say "rbd-rest-api exited at start (status $reaped_status)"
			exit $((reaped_status ? reaped_status : 1))
		fi
		[ -n "$stopping" ] && break
		sleep 0.1
	done
	[ -S "$socket" ] || [ -n "$stopping" ] || say "warning: no socket at $socket after 30 s; starting nginx anyway"
	if [ -z "$stopping" ]; then
		# nginx reopens /dev/stdout for its access log, which an
		# unprivileged process may only do if it owns what stdout is (some
		# container runtimes hand over root's pipe): give it a pipe of ours.
		nginx "${nginx_args[@]}" </dev/null > >(exec cat) &
		nginx_pid=$!
	fi

	# Until one of them exits, or a signal asks us to stop.
	local exited first='' first_status=0 status
	while [ -z "$stopping" ]; do
		exited=
		wait -n -p exited "$daemon_pid" "$nginx_pid"
		status=$?
		[ -n "${exited:-}" ] || continue    # a trapped signal interrupted wait
		first=$exited
		first_status=$status
		if [ "$exited" = "$daemon_pid" ]; then
			daemon_pid=
			say "rbd-rest-api exited (status $status); stopping nginx"
		else
			nginx_pid=
			say "nginx exited (status $status); stopping rbd-rest-api"
		fi
		break
	done

	# Stop in order: nginx stops taking requests and finishes the ones it
	# has (QUIT), then the daemon finishes its own (TERM).
	local nginx_status=0 daemon_status=0
	if [ -n "$nginx_pid" ]; then
		alive "$nginx_pid" && kill -QUIT "$nginx_pid" 2>/dev/null
		reap "$nginx_pid"
		nginx_status=$reaped_status
		nginx_pid=
	fi
	if [ -n "$daemon_pid" ]; then
		alive "$daemon_pid" && kill -TERM "$daemon_pid" 2>/dev/null
		reap "$daemon_pid"
		daemon_status=$reaped_status
		daemon_pid=
	fi

	if [ -n "$first" ]; then
		# Neither is supposed to exit on its own: always a failure.
		exit $((first_status ? first_status : 1))
	fi
	say "stopped (rbd-rest-api status $daemon_status, nginx status $nginx_status)"
	[ "$daemon_status" = 0 ] && [ "$nginx_status" = 0 ]
	exit $?
}

# --- healthcheck: what Docker's HEALTHCHECK runs, with bash alone (no curl
# in the image). Asks nginx's health port, so it covers nginx and the daemon.
healthcheck() {
	local port=${RBD_API_HTTP_PORT:-8080} host=${RBD_API_BIND_ADDRESS:-127.0.0.1} response=
	case $host in
	'[::]') host=::1 ;;
	0.0.0.0) host=127.0.0.1 ;;
	\[*\]) host=${host#[}; host=${host%]} ;;
	esac
	if ! exec 3<>"/dev/tcp/$host/$port"; then
		echo "health: cannot connect to $host:$port"
		exit 1
	fi
	printf 'GET /api/v1/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
	# HTTP/1.0: nginx closes the connection after the response.
	IFS= read -r -d '' -t 5 response <&3
	exec 3<&-
	printf '%s\n' "${response%%$'\r'*}" "${response##*$'\r\n\r\n'}"
	case $response in
	"HTTP/1."?" 200 "*) exit 0 ;;
	*) exit 1 ;;
	esac
}

case ${1:-run} in
run) run ;;
check)
	prepare
	say "configuration ok (daemon: ${daemon_args[*]}; nginx: $nginx_dir/nginx.conf)"
	;;
healthcheck) healthcheck ;;
*) exec "$@" ;;
esac
