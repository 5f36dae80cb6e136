# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/container.sh - what the container tests share: the Dockerfile as
# docker reads it, the entrypoint's defaults, and an entrypoint to run as
# the image's uid on the shared cluster. Sourced after test-lib.sh by
# t/90-container-image.t (the Dockerfile's stages and packages),
# t/91-container-run.t (the entrypoint running) and t/92-kubernetes.t (the
# manifest), so each runs alone. Everything lives in $work, which
# test-lib's exit trap cleans up.
#
#   instructions STAGE INSTRUCTION   their arguments, one per line
#   runtime, user, uid               the runtime stage's name, USER and uid
#   ep_default NAME                  the entrypoint's default for RBD_API_NAME
#   words / has_word / diag          lists of names; diagnostics
#   container_entrypoint_setup       the mounts, the environment and the
#       helpers to run the entrypoint: ep_start, ep_exit, gone, check_run
#       (see their comments), with https, health, password, install_root

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
runtime=$(awk -F'\t' '$2 == "FROM" { s = $1 } END { print s }' "$work/instructions")
user=$(instructions "$runtime" USER)
uid=${user%%:*}
ep_default() {    # NAME: the entrypoint's default for RBD_API_NAME
	sed -n "s/^[[:space:]]*\[$1\]=//p" "$entrypoint" | tr -d "'"
}
root=$work/root

# The entrypoint as the container runs it: as the image's uid, with test
# paths for the container's (RBD_API_* overrides), the daemon from a
# build-stage install in $root/out if a test made one, else the one built
# in this tree, on the shared cluster.
container_entrypoint_setup() {
# (Not indented: the here-documents below must keep their text.)
install_root=$root/out
if [ ! -x "$install_root/usr/sbin/rbd-rest-api" ]; then
	install_root=$work/fake-root
	mkdir -p "$install_root/usr/sbin" "$install_root/etc/nginx/sites-available" \
		"$install_root/etc/nginx/snippets"
	ln -s "$(daemon_bin)" "$install_root/usr/sbin/rbd-rest-api"
	cp "$top/nginx/rbd-rest-api.conf" "$install_root/etc/nginx/sites-available/"
	cp "$top/nginx/rbd-rest-api-location.conf" "$install_root/etc/nginx/snippets/"
fi
# The /api/docs page and Swagger UI, where the image has them (the page
# from this tree, Swagger UI the copy t/install-deps installed).
mkdir -p "$install_root/usr/share/rbd-rest-api"
[ -f "$install_root/usr/share/rbd-rest-api/api-docs.html" ] ||
	cp "$top/nginx/api-docs.html" "$install_root/usr/share/rbd-rest-api/"
[ -e "$install_root/usr/share/rbd-rest-api/swagger-ui" ] ||
	ln -s /usr/local/lib/rbd-rest-api/npm/node_modules/swagger-ui-dist "$install_root/usr/share/rbd-rest-api/swagger-ui"
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
# As a container runtime starts it: a clean environment, and every signal
# at its default. A CI started under nohup ignores SIGHUP, which a shell
# started so cannot trap: the entrypoint then never reloaded (t/91).
ep_env=(env --default-signal -i PATH="$docker_path" LANG=C.UTF-8
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
}
