# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/debian-base.sh - a Debian 12 root made with debootstrap (minbase),
# with debian:12-slim's apt sources (deb822, no package lists), kept as a
# tarball in a cache so that only the first run of a machine pays for it
# (t/93-container-build.t imports it as debian:12-slim; t/94-debian-package.t
# installs the package into a copy of it).
#
#   debian_base_tarball CACHE-DIR LOG
#       prints the tarball's path, making it first if it is not there;
#       debootstrap's output goes to LOG. Fails if debootstrap does.

debian_base_tarball() {
	local cache=$1 log=$2 tarball=$1/debian-12-minbase.tar tmp
	if [ ! -s "$tarball" ]; then
		mkdir -p "$cache" || return 1
		tmp=$(mktemp -d "$cache/base.XXXXXX") || return 1
		# The mirror is the one this host's apt uses.
		if ! debootstrap --variant=minbase bookworm "$tmp" http://deb.debian.org/debian >"$log" 2>&1; then
			rm -rf "$tmp"
			return 1
		fi
		rm -f "$tmp/etc/apt/sources.list"
		cat >"$tmp/etc/apt/sources.list.d/debian.sources" <<-EOS
			Types: deb
			URIs: http://deb.debian.org/debian
			Suites: bookworm bookworm-updates
			Components: main
			Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

			Types: deb
			URIs: http://deb.debian.org/debian-security
			Suites: bookworm-security
			Components: main
			Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOS
		rm -rf "$tmp/var/lib/apt/lists/"* "$tmp/var/cache/apt/archives/"*.deb
		tar -C "$tmp" -cf "$tarball.new" . && mv "$tarball.new" "$tarball"
		local status=$?
		rm -rf "$tmp"
		[ "$status" = 0 ] || return 1
	fi
	printf '%s\n' "$tarball"
}
