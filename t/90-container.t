#!/bin/bash
# The container image (docker/Dockerfile, docker/entrypoint.sh) and the
# Kubernetes manifest, checked as far as a machine without a Docker engine
# allows:
# - the build stage's RUN commands run for real on this host (Debian 12
#   too), in a tree made by the Dockerfile's own COPY lines;
# - every package either stage installs exists in Debian 12 and is
#   installable, and the runtime packages provide every library the daemon
#   the build stage installed links to;
# - the entrypoint runs that daemon and nginx as the image's uid on the
#   shared cluster: HTTPS with basic auth, the health-only HTTP port,
#   RBD_API_* variables reaching the daemon, reload, graceful stop, and the
#   whole exiting non-zero when either half dies; its refusals say why;
# - the manifest: kinds, fields, probes, security, Secrets, memory sized
#   from what the daemon measurably uses.
# What cannot be checked here: pulling debian:12-slim and the image build
# itself (COPY --from, USER, HEALTHCHECK as docker runs them), and a real
# Kubernetes API server.
. "$(dirname "$0")/lib/test-lib.sh"

top=$(cd "$T_DIR/.." && pwd)
dockerfile=$top/docker/Dockerfile
entrypoint=$top/docker/entrypoint.sh
work=$(mktemp -d /tmp/rbd-rest-api-container.XXXXXX)
chmod 755 "$work"
# test-lib's exit trap runs daemon_stop on it (TERM to the pid in
# $work/daemon.pid: a still-running entrypoint), then removes it.
_t_extra_dirs+=("$work")
# Debian's python3 (with python3-yaml), whatever else comes first in PATH.
python=/usr/bin/python3
# docker's default PATH in a container.
docker_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

words() { printf '%s\n' "$*" | tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }
has_word() { [[ " $(words "$1") " == *" $2 "* ]]; }
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }

# --- the Dockerfile as docker reads it: continuation lines joined, comments
# dropped. One "stage<TAB>INSTRUCTION<TAB>arguments" line per instruction.
$python - "$dockerfile" >"$work/instructions" <<'EOF'
import re, sys
stage, name, buf = -1, "", ""
for raw in open(sys.argv[1]).read().split("\n"):
    s = raw.strip()
    if s.startswith("#") or (not s and not buf):
        continue
    if s.endswith("\\"):
        buf += s[:-1].strip() + " "
        continue
    full, buf = (buf + s).strip(), ""
    if not full:
        continue
    ins, _, args = full.partition(" ")
    if ins.upper() == "FROM":
        stage += 1
        m = re.match(r"\S+\s+AS\s+(\S+)$", args.strip(), re.I)
        name = m.group(1) if m else str(stage)
    print(f"{name}\t{ins.upper()}\t{args.strip()}")
EOF
instructions() {    # STAGE INSTRUCTION: their arguments, one per line
	awk -F'\t' -v s="$1" -v i="$2" '$1 == s && $2 == i { print $3 }' "$work/instructions"
}
froms=$(awk -F'\t' '$2 == "FROM" { print $3 }' "$work/instructions" | tr '\n' '|')
is "$froms" "debian:12-slim AS build|debian:12-slim|" "Dockerfile: two stages on debian:12-slim, the first named build"
runtime=$(awk -F'\t' '$2 == "FROM" { s = $1 } END { print s }' "$work/instructions")

# --- the build stage, for real: COPY from this tree, WORKDIR and RUN as
# docker would (sh -c, a clean environment), with / moved to $work/root.
# It is the long part (a full autotools build), so it runs in the
# background while the checks that do not need it run; its results are
# written to files and reported after it ends.
root=$work/root
mkdir -p "$root" "$work/home"
build_stage() {
	local stage ins args cwd=$root srcs dest pattern matches m cmd status
	SECONDS=0
	while IFS=$'\t' read -r stage ins args; do
		[ "$stage" = build ] || continue
		case $ins in
		WORKDIR)
			cwd=$root$args
			mkdir -p "$cwd"
			;;
		COPY)
			read -ra srcs <<<"$args"
			dest=${srcs[-1]}
			unset 'srcs[-1]'
			case $dest in /*) dest=$root$dest ;; *) dest=$cwd/$dest ;; esac
			for pattern in "${srcs[@]}"; do
				matches=$(cd "$top" && compgen -G "$pattern")
				if [ -z "$matches" ]; then
					printf '1\tCOPY %s matches something\n' "$pattern" >>"$work/build-results"
					continue
				fi
				for m in $matches; do
					if [[ $dest == */ ]]; then
						mkdir -p "$dest" && cp "$top/$m" "$dest"
					else
						mkdir -p "$(dirname "$dest")" && cp "$top/$m" "$dest"
					fi
					echo "$m" >>"$work/copied"
				done
			done
			;;
		RUN)
			# The apt-get lines are checked (simulated) apart; nothing is
			# installed here.
			[[ $args == *apt-get* ]] && continue
			cmd=${args//DESTDIR=\/out/DESTDIR=$root\/out}
			(cd "$cwd" && env -i PATH="$docker_path" HOME="$work/home" LANG=C.UTF-8 sh -c "$cmd") \
				</dev/null >>"$work/build.log" 2>&1
			status=$?
			printf '%s\tbuild stage: RUN %s... succeeds\n' "$status" "${args:0:60}" >>"$work/build-results"
			;;
		esac
	done <"$work/instructions"
	echo "$SECONDS" >"$work/build-seconds"
}
: >"$work/build-results"
: >"$work/copied"
# In a process group of its own (set -m), so that an interrupted test can
# stop the whole build, make and compilers included.
set -m
build_stage &
build_pid=$!
set +m
at_exit '[ -n "${build_pid:-}" ] && kill -TERM -- "-$build_pid" 2>/dev/null'

# The package names of the apt-get install in each stage's RUN lines.
apt_packages() {
	instructions "$1" RUN | sed 's/&&/\n/g' | sed -n 's/^ *apt-get install //p' |
		tr ' ' '\n' | grep -v '^-' | grep -v '^$'
}
build_packages=$(words "$(apt_packages build)")
runtime_packages=$(words "$(apt_packages "$runtime")")
is "$build_packages" \
	"build-essential autoconf automake pkg-config libfcgi-dev librados-dev librbd-dev libjson-c-dev" \
	"the build stage installs the build dependencies"
for p in librados2 librbd1 libfcgi0ldbl libjson-c5 nginx openssl tini; do
	has_word "$runtime_packages" "$p"
	ok $? "the runtime stage installs $p"
done
[[ " $runtime_packages " != *"-dev "* ]]
ok $? "the runtime stage installs no -dev package"

# The names exist in Debian 12 and apt could install them (simulated; this
# host has debian:12-slim's sources and is Debian 12 itself). Debian's
# docker images configure apt without a package cache (every apt-cache
# rebuilds it from the lists, seconds each): use one of the test's own.
mkdir -p "$work/apt"
apt_opts=(-o "Dir::Cache::pkgcache=$work/apt/pkgcache.bin"
	-o "Dir::Cache::srcpkgcache=$work/apt/srcpkgcache.bin")
# shellcheck disable=SC2086  # lists of names
apt-cache "${apt_opts[@]}" policy $build_packages $runtime_packages >"$work/apt/policy" 2>&1
for p in $build_packages $runtime_packages; do
	# The package's paragraph: from "NAME:" to the next unindented line.
	policy=$(awk -v p="$p:" '/^[^ ]/ { on = ($0 == p) } on' "$work/apt/policy")
	candidate=$(printf '%s\n' "$policy" | awk '/Candidate:/ { print $2 }')
	[ -n "$candidate" ] && [ "$candidate" != "(none)" ] && [[ $policy == *bookworm* ]]
	ok $? "apt has $p from Debian 12 (candidate ${candidate:-none})"
done
for stage in build runtime; do
	[ "$stage" = build ] && list=$build_packages || list=$runtime_packages
	# shellcheck disable=SC2086  # a list of names
	out=$(apt-get "${apt_opts[@]}" install -s -q --no-install-recommends $list 2>&1)
	status=$?
	ok "$status" "apt-get install -s of the $stage stage's packages succeeds"
	[ "$status" = 0 ] || diag "$out"
done

# --- the runtime stage's other instructions
user=$(instructions "$runtime" USER)
uid=${user%%:*}
[[ $uid =~ ^[0-9]+$ ]] && [ "$uid" != 0 ]
ok $? "USER is a numeric non-root uid ($user), as Kubernetes' runAsNonRoot needs"
expose=$(words "$(instructions "$runtime" EXPOSE)")
is "$expose" "8443 8080" "EXPOSE 8443 8080"
ep_default() {    # NAME: the entrypoint's default for RBD_API_NAME
	sed -n "s/^[[:space:]]*\[$1\]=//p" "$entrypoint" | tr -d "'"
}
is "$(ep_default HTTPS_PORT) $(ep_default HTTP_PORT)" "$expose" "which are the entrypoint's default ports"
entry=$(instructions "$runtime" ENTRYPOINT | jq -r '.[]' 2>/dev/null | tr '\n' ' ')
ep_dest=$(instructions "$runtime" COPY | awk '$1 == "docker/entrypoint.sh" { print $2 }')
is "$entry" "/usr/bin/tini -- $ep_dest " "ENTRYPOINT: tini runs the entrypoint copied from docker/entrypoint.sh"
is "$(instructions "$runtime" CMD)" '["run"]' 'CMD ["run"]'
like "$(instructions "$runtime" HEALTHCHECK)" "CMD \\[\"$ep_dest\", \"healthcheck\"\\]" \
	"HEALTHCHECK runs the entrypoint's healthcheck"
if dpkg-query -L tini >/dev/null 2>&1; then
	dpkg-query -L tini | grep -qx /usr/bin/tini
	ok $? "Debian's tini package has /usr/bin/tini"
fi
version=$(sed -n 's/^AC_INIT(\[rbd-rest-api\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
like "$(instructions "$runtime" LABEL)" "org\\.opencontainers\\.image\\.version=\"$version\"" \
	"LABEL org.opencontainers.image.version is configure.ac's version ($version)"
like "$(instructions "$runtime" RUN)" "install -d -o $uid -g $uid [^&]*$(ep_default RUN_DIR)( |$)" \
	"the image creates the entrypoint's run directory for uid $uid"
ok "$([ -x "$entrypoint" ]; echo $?)" "docker/entrypoint.sh is executable (COPY keeps the mode)"
instructions "$runtime" RUN >"$work/runtime-run.sh"
ok "$(sh -n "$work/runtime-run.sh" 2>&1; echo $?)" "the runtime stage's RUN commands are valid sh"

# --- the entrypoint: static checks
ok "$(bash -n "$entrypoint" 2>&1; echo $?)" "entrypoint.sh: bash -n"
if command -v shellcheck >/dev/null 2>&1; then
	out=$(shellcheck "$entrypoint" 2>&1)
	is "$out" "" "entrypoint.sh: shellcheck finds nothing"
fi

# --- the build stage's results
wait "$build_pid"
build_pid=
while IFS=$'\t' read -r status desc; do
	ok "$status" "$desc"
done <"$work/build-results"
grep -q '^[1-9]' "$work/build-results" && diag "$(tail -n 30 "$work/build.log")"
mapfile -t copied <"$work/copied"
echo "# build stage: ${#copied[@]} files copied ($(du -sk "$root/src" 2>/dev/null | cut -f1) KiB" \
	"before building), RUNs took $(cat "$work/build-seconds" 2>/dev/null)s"
for t in $(instructions build RUN | sed -n "s/.*make check TESTS='\([^']*\)'.*/\1/p"); do
	grep -q "^PASS: $t 1 " "$work/build.log"
	ok $? "the build stage ran the unit test $t"
done
like "$(grep '^# \(FAIL\|ERROR\):' "$work/build.log" | tr -s ' ' | tr '\n' ' ')" '^# FAIL: 0 # ERROR: 0 $' \
	"and they passed"
unit_tests=$(sed -n '/^UNIT_TESTS =/,/[^\\]$/p' "$top/Makefile.am" | sed 's/^UNIT_TESTS =//; s/\\//g')
is "$(words "$(instructions build RUN | sed -n "s/.*make check TESTS='\([^']*\)'.*/\1/p")")" \
	"$(words "$unit_tests")" "the build stage's make check runs exactly Makefile.am's UNIT_TESTS"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	ignored=$(cd "$top" && for f in "${copied[@]}"; do git check-ignore -q -- "$f" && echo "$f"; done)
	is "$ignored" "" "COPY takes no build products (nothing git ignores), even from a built tree"
fi
# docker/Dockerfile.dockerignore excludes none of them (its patterns as
# globs, ** and * alike crossing directories: stricter than docker's).
excluded=
while read -r pattern; do
	case $pattern in '' | '#'*) continue ;; esac
	for f in "${copied[@]}"; do
		# shellcheck disable=SC2053  # a glob on purpose
		[[ $f == $pattern || $f == $pattern/* ]] && excluded+="$f ($pattern) "
	done
done <"$top/docker/Dockerfile.dockerignore"
is "$excluded" "" "Dockerfile.dockerignore excludes no file a COPY line takes"


# What the runtime stage takes from the build stage is there.
while read -r src _; do
	[ -e "$root$src" ]
	ok $? "build stage made $src (COPY --from=build)"
done < <(instructions "$runtime" COPY | sed -n 's/^--from=build //p')

# Every library the daemon links comes with the runtime stage's packages
# (named there, or one of their dependencies).
bin_out=$root/out/usr/sbin/rbd-rest-api
# shellcheck disable=SC2086  # a list of names
closure=$(words "$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances $runtime_packages 2>/dev/null |
	grep -v '^ ' | sort -u)")
needed=$(objdump -p "$bin_out" 2>/dev/null | awk '$1 == "NEEDED" { print $2 }')
# "pkg1, pkg2:arch: /path" lines, for every library at once (dpkg -S reads
# every package's file list: once is enough).
# shellcheck disable=SC2046,SC2086  # one pattern per library
dpkg-query -S $(printf '*/%s\n' $needed) >"$work/dpkg-S" 2>/dev/null
for lib in $needed; do
	from=
	for p in $(grep -F "/$lib" "$work/dpkg-S" | awk -v l="/$lib" 'substr($NF, length($NF) - length(l) + 1) == l' |
		sed 's|: /.*||' | tr ',' '\n' | sed 's/^ *//; s/:.*//' | sort -u); do
		if has_word "$runtime_packages" "$p"; then
			from="$p, named in the runtime stage"
		elif [ -z "$from" ] && has_word "$closure" "$p"; then
			from="$p, a dependency of the runtime stage's packages"
		fi
	done
	[ -n "$from" ]
	ok $? "the image has $lib, which the daemon links (${from:-from no package the runtime stage installs})"
done


# --- the entrypoint, running: as the image's uid, with test paths for the
# container's (RBD_API_* overrides), the daemon from the build stage's
# install (or the built one if that failed), on the shared cluster.
install_root=$root/out
if [ ! -x "$install_root/usr/sbin/rbd-rest-api" ]; then
	install_root=$work/fake-root
	mkdir -p "$install_root/usr/sbin" "$install_root/etc/nginx/sites-available" \
		"$install_root/etc/nginx/snippets"
	ln -s "$(daemon_bin)" "$install_root/usr/sbin/rbd-rest-api"
	cp "$top/nginx/rbd-rest-api.conf" "$install_root/etc/nginx/sites-available/"
	cp "$top/nginx/rbd-rest-api-location.conf" "$install_root/etc/nginx/snippets/"
fi
as_user=()
if [ "$(id -u)" = 0 ]; then
	as_user=(setpriv --reuid="$uid" --regid="$uid" --clear-groups)
else
	uid=$(id -u)
fi
tini=()
command -v tini >/dev/null 2>&1 && tini=(tini -s --)

# What the container gets mounted: /etc/ceph, the certificate, the htpasswd.
mkdir -p "$work/ceph" "$work/tls" "$work/htpasswd" "$work/run" "$work/empty"
cp "$CEPH_CONF" "$work/ceph/ceph.conf"
cp "$(dirname "$CEPH_CONF")/ceph.client.admin.keyring" "$work/ceph/"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$work/tls/tls.key" -out "$work/tls/tls.crt" >/dev/null 2>&1
password=$(openssl rand -hex 12)
_nginx_htpasswd "$work/htpasswd/htpasswd" admin "$password"
# A config file too: the variables must win over it.
cat >"$work/rbd-rest-api.conf" <<EOF
ceph_conf = $work/ceph/ceph.conf
keyring = $work/ceph/ceph.client.admin.keyring
ceph_id = admin
workers = 2
rados_timeout = 10
shutdown_timeout = 10
EOF
touch "$work/ep.log"
chown -R "$uid:$uid" "$work/ceph" "$work/tls" "$work/htpasswd" "$work/run" "$work/empty" \
	"$work/rbd-rest-api.conf" "$work/ep.log"
chmod 0600 "$work/ceph/ceph.client.admin.keyring" "$work/tls/tls.key"

https_port=$(free_port) && http_port=$(free_port)
ep_env=(env -i PATH="$docker_path" LANG=C.UTF-8
	RBD_API_INSTALL_ROOT="$install_root" RBD_API_RUN_DIR="$work/run"
	RBD_API_TLS_DIR="$work/tls" RBD_API_HTPASSWD_FILE="$work/htpasswd/htpasswd"
	RBD_API_CONFIG_FILE="$work/rbd-rest-api.conf" RBD_API_BIND_ADDRESS=127.0.0.1
	RBD_API_HTTPS_PORT="$https_port" RBD_API_HTTP_PORT="$http_port")
https=https://127.0.0.1:$https_port
health=http://127.0.0.1:$http_port

# ep_start [VAR=VALUE...]: the container's start; waits until health is 200.
ep_start() {
	local i
	: >"$work/ep.log"
	"${as_user[@]}" "${ep_env[@]}" "$@" "${tini[@]}" "$entrypoint" run >>"$work/ep.log" 2>&1 &
	EP_PID=$!
	echo "$EP_PID" >"$work/daemon.pid"
	for ((i = 0; i < 300; i++)); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$health/api/v1/health")" = 200 ] &&
			break
		kill -0 "$EP_PID" 2>/dev/null || break
		sleep 0.1
	done
	EP_BASH=$EP_PID
	[ ${#tini[@]} -gt 0 ] && EP_BASH=$(pgrep -P "$EP_PID" | head -n1)
	DAEMON=$(pgrep -P "$EP_BASH" -f 'sbin/rbd-rest-api' | head -n1)
	NGINX=$(pgrep -P "$EP_BASH" -x nginx | head -n1)
	[ -n "$DAEMON" ] && [ -n "$NGINX" ]
}
# ep_exit SECONDS: waits for the entrypoint to end; EP_STATUS.
ep_exit() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$EP_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$EP_PID" 2>/dev/null; then
		EP_STATUS=still-running
		return 1
	fi
	wait "$EP_PID"
	EP_STATUS=$?
	rm -f "$work/daemon.pid"
}
gone() {    # PID...: none of them runs any more
	local p
	for p in "$@"; do
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}
# check_run [VAR=VALUE...]: `entrypoint check`; CHECK_STATUS, CHECK_OUT.
check_run() {
	CHECK_OUT=$("${as_user[@]}" "${ep_env[@]}" "$@" "$entrypoint" check 2>&1)
	CHECK_STATUS=$?
}

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

workers=$(pgrep -P "$DAEMON" | wc -l)
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
is "$changed" 2 "the /api/ location is the project's snippet with 2 lines changed (htpasswd, socket)"
changed=$(diff "$top/nginx/rbd-rest-api.conf" "$nd/site.conf" | grep -c '^>')
is "$changed" 6 "the server config is the project's site with 6 lines changed (ports, cert, key, include, health)"

# Memory: what the daemon and nginx use after some requests, for the
# manifest's resources (printed, and compared below).
for i in 1 2 3 4 5 6; do
	RBD_API_URL=$https RBD_API_CACERT=$work/tls/tls.crt RBD_API_USER=admin \
		RBD_API_PASSWORD=$password api GET '/api/v1/pools?detail=true'
	RBD_API_URL=$https RBD_API_CACERT=$work/tls/tls.crt RBD_API_USER=admin \
		RBD_API_PASSWORD=$password api GET /api/v1/pools/rbd/images
done
rss() { ps -o rss= -p "$1" | tr -d ' '; }
master_rss=$(rss "$DAEMON")
worker_rss=$(for p in $(pgrep -P "$DAEMON"); do rss "$p"; done | sort -n | tail -n1)
nginx_rss=$(for p in "$NGINX" $(pgrep -P "$NGINX"); do rss "$p"; done | awk '{ s += $1 } END { print s }')
other_rss=$(($(rss "$EP_BASH") + $([ "$EP_BASH" != "$EP_PID" ] && rss "$EP_PID" || echo 0)))
echo "# RSS (ps -o rss, KiB): daemon master $master_rss, largest worker $worker_rss," \
	"nginx in all $nginx_rss, entrypoint and tini $other_rss"

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
is "$(pgrep -P "$DAEMON" | wc -l)" 2 "without RBD_API_WORKERS, the file's workers = 2 holds"
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

# --- the Kubernetes manifest
$python - "$top/docker/kubernetes.yaml" "$top/docker/kubernetes-hostpath-patch.yaml" \
	"$top/docker/README.md" "$uid" "$(ep_default RUN_DIR)" "$(ep_default TLS_DIR)" \
	"$(ep_default HTPASSWD_FILE)" "$(ep_default HTTPS_PORT)" "$(ep_default HTTP_PORT)" \
	>"$work/manifest-checks" 2>&1 <<'EOF'
"""Offline checks of the manifest and the hostPath patch. Prints
"ok<TAB>what", "not ok<TAB>what<TAB>why" and "info<TAB>name<TAB>value"."""
import re
import sys

import yaml

(manifest, patch_file, readme, uid, run_dir, tls_dir, htpasswd_file,
 https_port, http_port) = sys.argv[1:10]
uid, https_port, http_port = int(uid), int(https_port), int(http_port)


def check(cond, desc, why=""):
    print(f"ok\t{desc}" if cond else f"not ok\t{desc}\t{why}")


def info(name, value):
    print(f"info\t{name}\t{value}")


# The part of the Kubernetes API these files use. Every key must be known
# here, so that a misspelt field (readOnlyRootFileSystem) is caught before
# an API server drops it. A dict: an object's fields; a one-element list: a
# list of those; None: any value.
META = {"name": None, "namespace": None, "labels": None, "annotations": None}
SELECTOR = {"matchLabels": None, "matchExpressions": None}
PROBE = {
    "httpGet": {"path": None, "port": None, "scheme": None, "host": None, "httpHeaders": None},
    "tcpSocket": {"port": None}, "exec": {"command": None},
    "initialDelaySeconds": None, "periodSeconds": None, "timeoutSeconds": None,
    "failureThreshold": None, "successThreshold": None, "terminationGracePeriodSeconds": None,
}
SECCOMP = {"type": None, "localhostProfile": None}
CONTAINER = {
    "name": None, "image": None, "imagePullPolicy": None, "command": None, "args": None,
    "workingDir": None, "lifecycle": None,
    "ports": [{"name": None, "containerPort": None, "protocol": None, "hostPort": None}],
    "env": [{"name": None, "value": None, "valueFrom": None}],
    "envFrom": [{"prefix": None, "configMapRef": {"name": None, "optional": None},
                 "secretRef": {"name": None, "optional": None}}],
    "readinessProbe": PROBE, "livenessProbe": PROBE, "startupProbe": PROBE,
    "resources": {"requests": None, "limits": None},
    "securityContext": {
        "runAsNonRoot": None, "runAsUser": None, "runAsGroup": None,
        "readOnlyRootFilesystem": None, "allowPrivilegeEscalation": None, "privileged": None,
        "capabilities": {"add": None, "drop": None}, "seccompProfile": SECCOMP,
    },
    "volumeMounts": [{"name": None, "mountPath": None, "readOnly": None, "subPath": None}],
}
VOLUME = {
    "name": None, "configMap": None,
    "secret": {"secretName": None, "defaultMode": None, "optional": None,
               "items": [{"key": None, "path": None, "mode": None}]},
    "emptyDir": {"medium": None, "sizeLimit": None},
    "hostPath": {"path": None, "type": None},
}
POD_SPEC = {
    "containers": [CONTAINER], "initContainers": [CONTAINER], "volumes": [VOLUME],
    "imagePullSecrets": [{"name": None}], "enableServiceLinks": None,
    "automountServiceAccountToken": None, "serviceAccountName": None,
    "terminationGracePeriodSeconds": None, "nodeSelector": None, "affinity": None,
    "tolerations": None, "priorityClassName": None,
    "securityContext": {"runAsNonRoot": None, "runAsUser": None, "runAsGroup": None,
                        "fsGroup": None, "supplementalGroups": None, "seccompProfile": SECCOMP},
    "topologySpreadConstraints": [{"maxSkew": None, "topologyKey": None,
                                   "whenUnsatisfiable": None, "labelSelector": SELECTOR}],
}
SCHEMAS = {
    "ConfigMap": {"apiVersion": None, "kind": None, "metadata": META, "data": None},
    "Deployment": {"apiVersion": None, "kind": None, "metadata": META, "spec": {
        "replicas": None, "selector": SELECTOR, "revisionHistoryLimit": None,
        "minReadySeconds": None,
        "strategy": {"type": None, "rollingUpdate": {"maxUnavailable": None, "maxSurge": None}},
        "template": {"metadata": META, "spec": POD_SPEC}}},
    "Service": {"apiVersion": None, "kind": None, "metadata": META, "spec": {
        "type": None, "selector": None,
        "ports": [{"name": None, "port": None, "targetPort": None, "protocol": None}]}},
    "PodDisruptionBudget": {"apiVersion": None, "kind": None, "metadata": META, "spec": {
        "minAvailable": None, "maxUnavailable": None, "selector": SELECTOR}},
}
API_VERSIONS = {"ConfigMap": "v1", "Deployment": "apps/v1", "Service": "v1",
                "PodDisruptionBudget": "policy/v1"}


def unknown_fields(obj, schema, path):
    if schema is None or obj is None:    # null: "delete this" in a patch
        return []
    if isinstance(schema, list):
        if not isinstance(obj, list):
            return [f"{path} (not a list)"]
        return [e for i, o in enumerate(obj) for e in unknown_fields(o, schema[0], f"{path}[{i}]")]
    if not isinstance(obj, dict):
        return [f"{path} (not an object)"]
    errors = []
    for key, value in obj.items():
        if key in schema:
            errors += unknown_fields(value, schema[key], f"{path}.{key}")
        else:
            errors.append(f"{path}.{key}")
    return errors


try:
    docs = [d for d in yaml.safe_load_all(open(manifest)) if d is not None]
    check(True, "kubernetes.yaml parses as YAML")
except yaml.YAMLError as e:
    check(False, "kubernetes.yaml parses as YAML", str(e).replace("\n", " "))
    sys.exit(0)

kinds = [d.get("kind") for d in docs]
check(sorted(kinds) == ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"],
      "it has a ConfigMap, a Deployment, a Service and a PodDisruptionBudget", kinds)
for d in docs:
    kind = d.get("kind")
    if kind in SCHEMAS:
        bad = unknown_fields(d, SCHEMAS[kind], kind)
        check(not bad, f"{kind}: every field is a known Kubernetes field", bad)
        check(d.get("apiVersion") == API_VERSIONS[kind], f"{kind}: apiVersion {API_VERSIONS[kind]}",
              d.get("apiVersion"))

by_kind = {d.get("kind"): d for d in docs}
dep, cm = by_kind.get("Deployment", {}), by_kind.get("ConfigMap", {})
svc, pdb = by_kind.get("Service", {}), by_kind.get("PodDisruptionBudget", {})
spec = dep.get("spec", {})
pod = spec.get("template", {}).get("spec", {})
labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
containers = pod.get("containers", [])
c = containers[0] if containers else {}


def selects(sel):
    return bool(sel) and all(labels.get(k) == v for k, v in sel.items())


check(spec.get("replicas") == 2, "Deployment: 2 replicas", spec.get("replicas"))
check(selects(spec.get("selector", {}).get("matchLabels")),
      "Deployment: its selector matches the pod template's labels")
check(len(containers) == 1, "Deployment: one container (nginx and the daemon together)")

ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
check(sorted(ports.values()) == sorted([https_port, http_port]),
      f"container ports: the image's {https_port} (HTTPS) and {http_port} (health)", ports)


def number(port):
    return ports.get(port) if isinstance(port, str) else port


for probe in ("readinessProbe", "livenessProbe"):
    get = c.get(probe, {}).get("httpGet", {})
    check(get.get("path") == "/api/v1/health" and number(get.get("port")) == http_port
          and get.get("scheme", "HTTP") == "HTTP",
          f"{probe}: HTTP GET /api/v1/health on port {http_port}", get)

res = c.get("resources", {})
for part in ("requests", "limits"):
    for what in ("cpu", "memory"):
        check(what in res.get(part, {}), f"resources: {part}.{what} is set", res)


def mib(quantity):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)", str(quantity))
    return int(m.group(1)) * {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}[m.group(2)] if m else 0


info("memory_request_mib", int(mib(res.get("requests", {}).get("memory"))))
info("memory_limit_mib", int(mib(res.get("limits", {}).get("memory"))))

psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
check(psc.get("runAsNonRoot") is True and csc.get("runAsNonRoot", True) is True,
      "securityContext: runAsNonRoot")
check(psc.get("runAsUser") == uid and psc.get("runAsGroup") == uid,
      f"securityContext: runAsUser/runAsGroup {uid}, the image's USER")
check(psc.get("fsGroup") == uid, f"securityContext: fsGroup {uid} (makes the Secrets readable)")
check(csc.get("readOnlyRootFilesystem") is True, "securityContext: readOnlyRootFilesystem")
check(csc.get("allowPrivilegeEscalation") is False, "securityContext: allowPrivilegeEscalation false")
check(csc.get("capabilities", {}).get("drop") == ["ALL"], "securityContext: drops ALL capabilities",
      csc.get("capabilities"))

volumes = {v.get("name"): v for v in pod.get("volumes", [])}
mounts = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
check(all(m.get("name") in volumes for m in mounts.values()), "every volumeMount names a volume")


def secret_at(path):
    m = mounts.get(path, {})
    s = volumes.get(m.get("name"), {}).get("secret", {})
    return s.get("secretName") if m.get("readOnly") is True else None, s


ceph_secret, s = secret_at("/etc/ceph")
check(ceph_secret, "/etc/ceph: from a Secret, read-only")
check(s.get("defaultMode") == 0o440, "/etc/ceph: mode 0440 (readable through fsGroup)",
      s.get("defaultMode"))
tls_secret, s = secret_at(tls_dir)
check(tls_secret, f"{tls_dir}: from the TLS Secret, read-only")
hdir, hfile = htpasswd_file.rsplit("/", 1)
htpasswd_secret, s = secret_at(hdir)
check(htpasswd_secret and hfile in [i.get("path") for i in s.get("items", [{"path": hfile}])],
      f"{htpasswd_file}: from a Secret, read-only")
for path in (run_dir, "/tmp"):
    m = mounts.get(path, {})
    check("emptyDir" in volumes.get(m.get("name"), {}) and not m.get("readOnly"),
          f"{path}: a writable emptyDir (the root filesystem is read-only)", m)
writable = sorted(p for p, m in mounts.items() if not m.get("readOnly"))
check(writable == sorted([run_dir, "/tmp"]), "nothing else is writable", writable)

refs = [e.get("configMapRef", {}).get("name") for e in c.get("envFrom", [])]
check(cm.get("metadata", {}).get("name") in refs, "the container's environment comes from the ConfigMap",
      refs)
data = cm.get("data") or {}
check(data and all(k.startswith("RBD_API_") and isinstance(v, str) for k, v in data.items()),
      "the ConfigMap holds RBD_API_* settings, as strings", data)
for k, v in sorted(data.items()):
    info("configmap_env", f"{k}={v}")
check(pod.get("enableServiceLinks") is False,
      "enableServiceLinks: false (no RBD_API_PORT-like variables from Services)")
pull = [p.get("name") for p in pod.get("imagePullSecrets", [])]
check(pull, "imagePullSecrets for a private registry")
check(pod.get("terminationGracePeriodSeconds", 30) > 30,
      "terminationGracePeriodSeconds beyond the daemon's shutdown_timeout (30 s)")

sports = svc.get("spec", {}).get("ports", [])
check(len(sports) == 1 and sports[0].get("port") == https_port
      and number(sports[0].get("targetPort")) == https_port,
      f"Service: port {https_port} to the container's HTTPS port, nothing else", sports)
check(selects(svc.get("spec", {}).get("selector")), "Service: its selector matches the pods")
check(selects(pdb.get("spec", {}).get("selector", {}).get("matchLabels"))
      and pdb.get("spec", {}).get("minAvailable") == 1, "PodDisruptionBudget: keeps 1 pod")

# The Secrets are made with kubectl as the README says: the names agree.
made = {name: kind for kind, name in re.findall(
    r"kubectl(?: -n \S+)? create secret (generic|tls|docker-registry) (\S+)", open(readme).read())}
for name, kind in ((ceph_secret, "generic"), (htpasswd_secret, "generic"), (tls_secret, "tls")):
    check(made.get(name) == kind, f"README: kubectl create secret {kind} {name}", made)
for name in pull:
    check(made.get(name) == "docker-registry", f"README: kubectl create secret docker-registry {name}",
          made)
check(f"--from-file={hfile}=" in open(readme).read(), f"README: the htpasswd Secret's key is {hfile}")

# The hostPath variant: a strategic merge patch of the Deployment.
try:
    patch = yaml.safe_load(open(patch_file))
    check(True, "kubernetes-hostpath-patch.yaml parses as YAML")
except yaml.YAMLError as e:
    check(False, "kubernetes-hostpath-patch.yaml parses as YAML", str(e).replace("\n", " "))
    sys.exit(0)
ppod = patch.get("spec", {}).get("template", {}).get("spec", {})
bad = unknown_fields(ppod, POD_SPEC, "patch")
check(not bad, "the patch: every field is a known Kubernetes field", bad)
check(ppod.get("nodeSelector") == {"zone": "ceph"}, "the patch: nodeSelector zone: ceph")
v = {x.get("name"): x for x in ppod.get("volumes", [])}.get(mounts.get("/etc/ceph", {}).get("name"), {})
check(v.get("hostPath", {}).get("path") == "/etc/ceph" and "secret" in v and v["secret"] is None,
      "the patch: the /etc/ceph volume becomes the node's /etc/ceph, without the Secret", v)
EOF
status=$?
ok "$status" "the manifest checker ran"
[ "$status" = 0 ] || diag "$(cat "$work/manifest-checks")"
configmap_env=()
while IFS=$'\t' read -r result desc why; do
	case $result in
	ok) ok 0 "kubernetes: $desc" ;;
	"not ok")
		ok 1 "kubernetes: $desc"
		diag "$why"
		;;
	info)
		case $desc in
		memory_request_mib) memory_request=$why ;;
		configmap_env) configmap_env+=("$why") ;;
		esac
		;;
	esac
done <"$work/manifest-checks"

# The ConfigMap's settings are ones the entrypoint and the daemon accept.
check_run "${configmap_env[@]}"
is "$CHECK_STATUS" 0 "the ConfigMap's settings pass the entrypoint's check (${configmap_env[*]})"
[ "$CHECK_STATUS" = 0 ] || diag "$CHECK_OUT"

# The memory request covers what was measured, for the ConfigMap's workers.
cm_workers=$(printf '%s\n' "${configmap_env[@]}" | sed -n 's/^RBD_API_WORKERS=//p')
if [ -n "$master_rss" ] && [ -n "$worker_rss" ] && [ -n "$cm_workers" ]; then
	need=$(((master_rss + cm_workers * worker_rss + nginx_rss + other_rss) / 1024))
	echo "# with the ConfigMap's $cm_workers workers: about $need MiB by RSS; the request is ${memory_request:-?} MiB"
	[ "$need" -lt "${memory_request:-0}" ]
	ok $? "the memory request (${memory_request:-?} MiB) covers the measured RSS for $cm_workers workers ($need MiB)"
fi

# kubectl, where installed, applies the patch offline as an API server would.
if command -v kubectl >/dev/null 2>&1; then
	$python -c 'import sys, yaml
d = [x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"] == "Deployment"][0]
yaml.safe_dump(d, open(sys.argv[2], "w"))' "$top/docker/kubernetes.yaml" "$work/deployment.yaml"
	out=$(kubectl patch --local -f "$work/deployment.yaml" --type strategic \
		--patch-file "$top/docker/kubernetes-hostpath-patch.yaml" -o json 2>/dev/null |
		jq -c '.spec.template.spec | [.nodeSelector, (.volumes[] | select(.name == "ceph"))]' 2>&1)
	is "$out" '[{"zone":"ceph"},{"hostPath":{"path":"/etc/ceph","type":"Directory"},"name":"ceph"}]' \
		"kubectl patch --local: the patched Deployment has the nodeSelector and only the hostPath"
fi

done_testing
