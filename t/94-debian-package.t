#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package (debian/), built and installed as an operator would:
# dpkg-buildpackage (debhelper, autotools sequence) from the release
# tarball, lintian, then `apt-get install ./rbd-rest-api_*.deb` into a
# fresh Debian 12 root (debootstrap minbase, cached like
# t/93-container-build.t's) and checked there: the files in their places,
# the conffiles, the system user and groups, nothing enabled or started,
# `systemd-analyze verify` of the units, the installed daemon started as
# its unit would start it (its user, its config path) against the shared
# cluster and answering, and a purge that removes the package's files and
# leaves the cluster's data alone. The first run on a machine downloads
# the Debian packages (the cache keeps them); later runs take about two
# minutes.
. "$(dirname "$0")/lib/test-lib.sh"
# shellcheck source=t/lib/debian-base.sh
. "$T_DIR/lib/debian-base.sh"

for tool in dpkg-buildpackage dh debootstrap lintian; do
	if ! command -v "$tool" >/dev/null; then
		echo "1..0 # SKIP $tool is missing (t/install-deps installs it)"
		exit 0
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP installing into a Debian root (chroot) needs root"
	exit 0
fi

top=${RBD_REST_API_SRCDIR:-$(cd "$T_DIR/.." && pwd)}
build=${RBD_REST_API_BUILDDIR:-$top}
cache=${RBD_API_IMAGE_CACHE:-/var/cache/rbd-rest-api}
work=$(mktemp -d /tmp/rbd-rest-api-deb.XXXXXX)
root=$work/root
# Never remove the tree while /proc is mounted in it.
# shellcheck disable=SC2016  # expanded when the test exits
at_exit '[ -z "${daemon_pid:-}" ] || kill -TERM "$daemon_pid" 2>/dev/null
	mountpoint -q "$root/proc" && umount -l "$root/proc"
	mountpoint -q "$root/proc" || rm -rf "$work"'
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

version=$(sed -n 's/^AC_INIT(\[rbd-rest-api\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
arch=$(dpkg --print-architecture)
deb=$work/rbd-rest-api_${version}_$arch.deb

# --- the package, built by Debian's tools from the release tarball (what
# a packager starts from; t/98-dist.t checks it holds everything).
story "the package, built"
SECONDS=0
(unset MAKEFLAGS MFLAGS MAKELEVEL && make -C "$build" -s dist >"$work/dist.log" 2>&1 &&
	mv "$build/rbd-rest-api-$version.tar.gz" "$work/")
ok $? "make dist"
tar -C "$work" -xzf "$work/rbd-rest-api-$version.tar.gz"
(cd "$work/rbd-rest-api-$version" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
	dpkg-buildpackage -b -us -uc -j"$(nproc)" >"$work/build.log" 2>&1)
status=$?
ok "$status" "dpkg-buildpackage -b (debhelper: configure, make, make check, make install)"
[ "$status" = 0 ] || diag "$(tail -n 30 "$work/build.log")"
echo "# package build: ${SECONDS}s"
ok "$([ -f "$deb" ]; echo $?)" "it made $(basename "$deb")"
# Errors and warnings: none (debian/ says why for what is left as
# information); the rest is shown.
SECONDS=0
# Everything lintian reports, pedantic included: nothing, but what
# debian/rbd-rest-api.lintian-overrides explains.
tags=$(lintian -I --pedantic --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges')
is "$tags" "" "lintian -I --pedantic: nothing (what remains is overridden, with the reason)"
echo "# lintian: ${SECONDS}s"
fields=$(dpkg-deb -f "$deb" Depends Recommends)
like "$fields" 'librbd1.*' "it depends on librbd1 (shlibs)"
like "$fields" 'systemd \| systemd-standalone-sysusers' "and on something that runs systemd-sysusers"
story ""

# --- installed into a fresh Debian 12 root, as the README says.
story "installed into Debian 12"
SECONDS=0
tarball=$(debian_base_tarball "$cache" "$work/debootstrap.log")
ok $? "a Debian 12 minbase root (debootstrap), cached in $cache"
mkdir -p "$root" && tar -C "$root" -xf "$tarball"
ok $? "unpacked"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Nothing in the root may start a service (Debian's convention for
# chroots); the package must not try either: it is checked below.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
# The downloaded lists and packages, kept for the next run.
mkdir -p "$cache/apt/lists" "$cache/apt/archives"
cp -a "$cache/apt/lists/." "$root/var/lib/apt/lists/" 2>/dev/null
cp -a "$cache/apt/archives/." "$root/var/cache/apt/archives/" 2>/dev/null
cp "$deb" "$root/tmp/"
in_root apt-get update -q >"$work/apt.log" 2>&1 &&
	in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"./tmp/$(basename "$deb")" >>"$work/apt.log" 2>&1 </dev/null
status=$?
ok "$status" "apt-get install ./$(basename "$deb")"
[ "$status" = 0 ] || diag "$(tail -n 30 "$work/apt.log")"
rm -f "$root/var/cache/apt/archives/lock" "$root/var/lib/apt/lists/lock"
cp -a "$root/var/lib/apt/lists/." "$cache/apt/lists/" 2>/dev/null
cp -n "$root/var/cache/apt/archives/"*.deb "$cache/apt/archives/" 2>/dev/null
echo "# root and install: ${SECONDS}s"

for f in /usr/sbin/rbd-rest-api /lib/systemd/system/rbd-rest-api.service \
	/lib/systemd/system/rbd-rest-api.socket /usr/lib/sysusers.d/rbd-rest-api.conf \
	/etc/rbd-rest-api/rbd-rest-api.conf /etc/rbd-rest-api/policy.conf \
	/etc/nginx/sites-available/rbd-rest-api.conf /etc/nginx/snippets/rbd-rest-api-location.conf \
	/usr/share/rbd-rest-api/api-docs.html /usr/share/doc/rbd-rest-api/copyright \
	/usr/share/doc/rbd-rest-api/README.md.gz /usr/share/doc/rbd-rest-api/README.Debian \
	/usr/share/doc/rbd-rest-api/operations.md.gz /usr/share/man/man8/rbd-rest-api.8.gz; do
	[ -f "$root$f" ]
	ok $? "installed: $f"
done
conffiles=$(in_root dpkg-query -W -f='${Conffiles}\n' rbd-rest-api | awk 'NF { print $1 }' | sort | tr '\n' ' ')
is "$conffiles" "/etc/nginx/sites-available/rbd-rest-api.conf /etc/nginx/snippets/rbd-rest-api-location.conf /etc/rbd-rest-api/policy.conf /etc/rbd-rest-api/rbd-rest-api.conf " \
	"the configuration files are conffiles (kept on upgrade, asked about when changed)"
grep -q 'alias /usr/share/rbd-rest-api/api-docs.html;' "$root/etc/nginx/snippets/rbd-rest-api-location.conf"
ok $? "the snippet's /api/docs page is where the package put it"
user=$(in_root getent passwd rbdapi)
like "$user" '^rbdapi:x:[0-9]+:[0-9]+:rbd-rest-api:/nonexistent:/usr/sbin/nologin$' \
	"systemd-sysusers made the system user rbdapi (no home, no shell)"
uid=$(printf '%s' "$user" | cut -d: -f3)
[ -n "$uid" ] && [ "$uid" -lt 1000 ]
ok $? "a system uid ($uid)"
like "$(in_root getent group rbdapi-web)" '^rbdapi-web:x:[0-9]+:www-data$' \
	"and the group rbdapi-web, holding nginx's user www-data only"
enabled=$(find "$root/etc/systemd/system" -name 'rbd-rest-api*' 2>/dev/null)
is "$enabled" "" "nothing is enabled until the operator configures it"
out=$(in_root systemd-analyze verify /lib/systemd/system/rbd-rest-api.socket \
	/lib/systemd/system/rbd-rest-api.service 2>&1)
status=$?
ok "$status" "systemd-analyze verify of the installed units"
[ -z "$out" ] || diag "$out"
in_root /usr/sbin/rbd-rest-api -t >"$work/t.log" 2>&1
status=$?
ok "$status" "the installed daemon reads its installed configuration (-t, default path)"
[ "$status" = 0 ] || diag "$(cat "$work/t.log")"
story ""

# --- started as its unit starts it: ExecStart, User, Group,
# SupplementaryGroups, RuntimeDirectory, on the shared cluster with a
# keyring set up as README.Debian says.
story "the installed daemon, running"
unit=$root/lib/systemd/system/rbd-rest-api.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
like "$exec_start" '^/usr/sbin/rbd-rest-api -c /etc/rbd-rest-api/rbd-rest-api.conf$' \
	"ExecStart runs /usr/sbin/rbd-rest-api on /etc/rbd-rest-api/rbd-rest-api.conf"
gid=$(in_root getent group "$(sed -n 's/^Group=//p' "$unit")" | cut -d: -f3)
web_gid=$(in_root getent group "$(sed -n 's/^SupplementaryGroups=//p' "$unit")" | cut -d: -f3)
mkdir -p "$root/etc/ceph"
ceph -c "$CEPH_CONF" config generate-minimal-conf >"$root/etc/ceph/ceph.conf" 2>/dev/null
cp "$(dirname "$CEPH_CONF")/ceph.client.admin.keyring" "$root/etc/ceph/"
chown "root:$gid" "$root/etc/ceph/ceph.client.admin.keyring"
chmod 640 "$root/etc/ceph/ceph.client.admin.keyring"
install -d -o "$uid" -g "$gid" -m 0755 "$root/run/rbd-rest-api"
# shellcheck disable=SC2086  # ExecStart, word by word
chroot --userspec="$uid:$gid" --groups="$web_gid" "$root" env -i PATH=/usr/sbin:/usr/bin \
	$exec_start --ceph_id=admin --workers=1 >"$work/daemon.log" 2>&1 &
daemon_pid=$!
socket=$root/run/rbd-rest-api/rbd-rest-api.sock
for ((i = 0; i < 300; i++)); do
	[ -S "$socket" ] && break
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
ok "$([ -S "$socket" ]; echo $?)" "it listens on /run/rbd-rest-api/rbd-rest-api.sock"
is "$(stat -c '%u:%g %a' "$socket" 2>/dev/null)" "$uid:$web_gid 660" \
	"owned by rbdapi, group rbdapi-web (nginx's way in), mode 0660"
for ((i = 0; i < 100; i++)); do
	fcgi "$socket" GET /api/v1/health
	[ "$STATUS" = 200 ] && break
	sleep 0.2
done
is "$STATUS" 200 "GET /api/v1/health through its socket: 200"
[ "$STATUS" = 200 ] || diag "$BODY" "$(tail -n 20 "$work/daemon.log")"
img=$(unique debpkg)
at_exit "rbd -c $CEPH_CONF rm rbd/$img >/dev/null 2>&1"
fcgi "$socket" POST /api/v1/pools/rbd/images "{\"name\":\"$img\",\"size\":\"4M\"}"
is "$STATUS" 201 "POST an image through it: 201"
is "$(rbd -c "$CEPH_CONF" info "rbd/$img" --format json 2>/dev/null | jq -r .size)" 4194304 \
	"and the cluster has it"
is "$(ps -o uid= -p "$(pgrep -P "$daemon_pid" -x rbd-rest-api | head -n 1)" | tr -d ' ')" "$uid" \
	"the daemon runs as rbdapi"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
is "$?" 0 "SIGTERM: it stops with status 0"
daemon_pid=
story ""

# --- purge: the package's files go, the cluster's data and keyring stay.
story "purged"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q rbd-rest-api >"$work/purge.log" 2>&1 </dev/null
status=$?
ok "$status" "apt-get purge rbd-rest-api"
[ "$status" = 0 ] || diag "$(tail -n 20 "$work/purge.log")"
left=
for f in /usr/sbin/rbd-rest-api /lib/systemd/system/rbd-rest-api.service \
	/lib/systemd/system/rbd-rest-api.socket /usr/lib/sysusers.d/rbd-rest-api.conf \
	/etc/rbd-rest-api /etc/nginx/sites-available/rbd-rest-api.conf \
	/etc/nginx/snippets/rbd-rest-api-location.conf /usr/share/rbd-rest-api /usr/share/doc/rbd-rest-api; do
	[ -e "$root$f" ] && left+="$f "
done
is "$left" "" "its files and its configuration are gone"
is "$(in_root dpkg-query -W -f='${Status}' rbd-rest-api 2>/dev/null)" "" "dpkg forgot it"
ok "$([ -f "$root/etc/ceph/ceph.client.admin.keyring" ]; echo $?)" "the Ceph keyring it used is still there"
is "$(rbd -c "$CEPH_CONF" info "rbd/$img" --format json 2>/dev/null | jq -r .size)" 4194304 \
	"the image it made is still in the cluster"
# Debian keeps system users on purge (files they own may remain).
like "$(in_root getent passwd rbdapi)" '^rbdapi:' "the system user stays, as Debian's packages leave theirs"
story ""

done_testing
