#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container image, built and run for real: Debian's buildah builds
# docker/Dockerfile (chroot isolation: no Docker engine, no daemon) on a
# Debian 12 base made with debootstrap, then runs the image's entrypoint
# against the shared cluster on the host's network. Checked: the image's
# user, health on the plain port, an image created through the container's
# nginx, every process non-root, and the HEALTHCHECK command the image
# declares. The slow parts are cached (see docs/ecosystem.md): the base
# tarball in /var/cache/rbd-rest-api, the images and layers in buildah's
# store; the first run takes minutes, later ones reuse what did not change.
. "$(dirname "$0")/lib/test-lib.sh"
# shellcheck source=t/lib/container.sh
. "$T_DIR/lib/container.sh"
# shellcheck source=t/lib/debian-base.sh
. "$T_DIR/lib/debian-base.sh"

for tool in buildah debootstrap; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is missing (t/install-deps installs it)"
		exit 0
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP building with buildah --isolation chroot needs root"
	exit 0
fi

cache=${RBD_API_IMAGE_CACHE:-/var/cache/rbd-rest-api}
base=docker.io/library/debian:12-slim
tag=localhost/rbd-rest-api:test
bah=(buildah --storage-driver overlay)

# --- the base image: the name the Dockerfile's FROM uses. Debian's own
# debian:12-slim cannot be pulled here; debootstrap's minbase with the same
# apt sources is its stand-in. Made once, then reused from the cache.
story "the Debian 12 base image"
SECONDS=0
if ! "${bah[@]}" inspect --type image "$base" >/dev/null 2>&1; then
	tarball=$(debian_base_tarball "$cache" "$work/debootstrap.log")
	ok $? "a Debian 12 minbase root (debootstrap), cached in $cache"
	ctr=$("${bah[@]}" from scratch) &&
		"${bah[@]}" add "$ctr" "$tarball" / >/dev/null &&
		"${bah[@]}" config --cmd /bin/bash "$ctr" &&
		"${bah[@]}" commit -q "$ctr" "$base" >/dev/null
	ok $? "imported as $base"
	[ -z "${ctr:-}" ] || "${bah[@]}" rm "$ctr" >/dev/null 2>&1
fi
"${bah[@]}" inspect --type image "$base" >/dev/null 2>&1
ok $? "$base is there (${SECONDS}s)"
story ""

# --- the build: the Dockerfile as it is, from this tree; layers kept so
# an unchanged stage is not built again. --format docker keeps HEALTHCHECK,
# which the OCI image format has no field for.
story "the build"
SECONDS=0
# The docs stage's npm reaches the registry as this host's npm does: with
# the CA bundle npm is configured with here, if any (a TLS-intercepting
# proxy), mounted into the build.
ca_args=()
cafile=$(npm config get cafile 2>/dev/null)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
	ca_args=(--volume "$cafile:/run/npm-ca.crt:ro" --build-arg NPM_CONFIG_CAFILE=/run/npm-ca.crt)
fi
"${bah[@]}" bud --isolation chroot --pull=never --layers --format docker "${ca_args[@]}" \
	-f "$top/docker/Dockerfile" -t "$tag" "$top" >"$work/build.log" 2>&1
status=$?
ok "$status" "buildah bud docker/Dockerfile"
[ "$status" = 0 ] || diag "$(tail -n 30 "$work/build.log")"
echo "# image build: ${SECONDS}s"
config=$("${bah[@]}" inspect --type image "$tag" 2>/dev/null)
is "$(printf '%s' "$config" | jq -r '.Docker.config.User')" "$uid:$uid" "the image runs as $uid:$uid"
healthcheck=$(printf '%s' "$config" | jq -c '.Docker.config.Healthcheck.Test')
is "$healthcheck" '["CMD","/usr/local/bin/rbd-rest-api-entrypoint","healthcheck"]' \
	"the image declares the HEALTHCHECK"
story ""

# --- run it: the entrypoint (through tini, as the image's ENTRYPOINT) on
# the host's network, with what a site mounts: /etc/ceph, the certificate,
# the htpasswd file.
story "the container, running"
mkdir -p "$work/ceph" "$work/tls" "$work/htpasswd"
ceph -c "$CEPH_CONF" config generate-minimal-conf >"$work/ceph/ceph.conf" 2>/dev/null
cp "$(dirname "$CEPH_CONF")/ceph.client.admin.keyring" "$work/ceph/"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$work/tls/tls.key" -out "$work/tls/tls.crt" >/dev/null 2>&1
password=$(openssl rand -hex 12)
_nginx_htpasswd "$work/htpasswd/htpasswd" admin "$password"
chown -R "$uid:$uid" "$work/ceph" "$work/tls" "$work/htpasswd"
chmod 0600 "$work/ceph/ceph.client.admin.keyring" "$work/tls/tls.key"
https_port=$(free_port) && http_port=$(free_port)

ctr=$("${bah[@]}" from --pull=never "$tag" 2>/dev/null)
ok $? "a container from the image"
at_exit "buildah rm $ctr >/dev/null 2>&1"
entry=$(printf '%s' "$config" | jq -r '.Docker.config.Entrypoint[]' | tr '\n' ' ')
# `buildah run` does not forward signals: it is stopped through tini below.
# shellcheck disable=SC2086  # the image's entrypoint, word by word
"${bah[@]}" run --isolation chroot --network host \
	-v "$work/ceph:/etc/ceph:ro" -v "$work/tls:/etc/rbd-rest-api/tls:ro" \
	-v "$work/htpasswd:/etc/rbd-rest-api/htpasswd:ro" \
	-e RBD_API_BIND_ADDRESS=127.0.0.1 -e RBD_API_HTTPS_PORT="$https_port" \
	-e RBD_API_HTTP_PORT="$http_port" -e RBD_API_CEPH_ID=admin \
	-e RBD_API_KEYRING=/etc/ceph/ceph.client.admin.keyring -e RBD_API_WORKERS=2 \
	"$ctr" -- $entry run >"$work/run.log" 2>&1 &
run_pid=$!
# shellcheck disable=SC2016  # expanded when the test exits
at_exit '[ -z "${tini_pid:-}" ] || kill -TERM "$tini_pid" 2>/dev/null; kill "$run_pid" 2>/dev/null'
code=
for ((i = 0; i < 600; i++)); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http_port/api/v1/health")
	[ "$code" = 200 ] && break
	kill -0 "$run_pid" 2>/dev/null || break
	sleep 0.1
done
is "$code" 200 "health on the container's plain port answers 200"
[ "$code" = 200 ] || diag "$(tail -n 20 "$work/run.log")"

img=$(unique container)
at_exit "rbd -c $CEPH_CONF rm rbd/$img >/dev/null 2>&1"
RBD_API_URL=https://127.0.0.1:$https_port RBD_API_CACERT=$work/tls/tls.crt RBD_API_USER=admin \
	RBD_API_PASSWORD=$password api POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"8M\"}"
expect_status 201 "an image created through the container's nginx (HTTPS, basic auth)"
is "$(rbd -c "$CEPH_CONF" info "rbd/$img" --format json 2>/dev/null | jq -r .size)" 8388608 \
	"and the cluster has it"
# The docs page: the image's Swagger UI, behind the same login.
cacert=(--cacert "$work/tls/tls.crt")
out=$(curl -s -w ' %{http_code}' "${cacert[@]}" -u "admin:$password" "https://127.0.0.1:$https_port/api/docs")
like "$out" 'swagger-ui-bundle\.js.* 200$' "GET /api/docs with basic auth: the Swagger UI page"
code=$(curl -s -o /dev/null -w '%{http_code}' "${cacert[@]}" -u "admin:$password" \
	"https://127.0.0.1:$https_port/api/docs/swagger-ui-bundle.js")
is "$code" 200 "and the Swagger UI script the image carries"
code=$(curl -s -o /dev/null -w '%{http_code}' "${cacert[@]}" "https://127.0.0.1:$https_port/api/docs")
is "$code" 401 "/api/docs without credentials: 401"

# The container's processes: tini, the entrypoint, nginx, the daemon and
# its workers; none as root.
tini_pid=$(pgrep -f "^/usr/bin/tini -- /usr/local/bin/rbd-rest-api-entrypoint run" | head -n1)
ok "$([ -n "$tini_pid" ]; echo $?)" "tini is the container's first process"
descendants() {    # PID: its children, theirs, and so on, one per line
	local child
	for child in $(pgrep -P "$1"); do
		echo "$child"
		descendants "$child"
	done
}
procs=$(printf '%s\n' "$tini_pid" "$(descendants "$tini_pid")" | paste -sd,)
uids=$(ps -o uid= -p "$procs" 2>/dev/null | tr -d ' ' | sort -u | tr '\n' ' ')
is "$uids" "$uid " "every process of the container runs as uid $uid ($(echo "$procs" | tr ',' '\n' | wc -l) with tini)"

# The HEALTHCHECK as docker would run it: inside the container.
# shellcheck disable=SC2046  # the command, word by word
out=$("${bah[@]}" run --isolation chroot --network host -e RBD_API_HTTP_PORT="$http_port" \
	-e RBD_API_BIND_ADDRESS=127.0.0.1 "$ctr" -- \
	$(printf '%s' "$healthcheck" | jq -r '.[1:][]') 2>&1)
status=$?
ok "$status" "the HEALTHCHECK command passes in the container"
[ "$status" = 0 ] || diag "$out"

kill -TERM "$tini_pid" 2>/dev/null
for ((i = 0; i < 450; i++)); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
wait "$run_pid"
is "$?" 0 "SIGTERM to tini: the container stops with status 0"
story ""

done_testing
