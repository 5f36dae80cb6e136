#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The release tarball is whole and builds: `make dist` holds every file git
# tracks (but .gitignore) and nothing else except what autotools generate,
# every t/NN-*.t is a registered test (so the tarball and t/check both have
# it), and `make distcheck` passes: the tarball configures, builds out of
# tree against a read-only source, runs the pure tests (the cluster tests
# are skipped inside distcheck: configure --disable-integration-tests, see
# Makefile.am), installs, uninstalls and cleans up after itself.
# Needs no stack; about a minute (a full build from the tarball).
set -u
src=${RBD_REST_API_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${RBD_REST_API_BUILDDIR:-$src}
n=0
failed=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=1
		echo "not ok $n - $2"
	fi
}
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }

if ! git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "1..0 # SKIP not a git checkout: nothing to compare the tarball with"
	exit 0
fi
work=$(mktemp -d /tmp/rbd-rest-api-dist.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Run from make check, whose command line (TESTS=... from t/check) would
# reach every make below through MAKEFLAGS: distcheck's own make check
# would then run this test again.
unset MAKEFLAGS MFLAGS MAKELEVEL
version=$(sed -n 's/^AC_INIT(\[rbd-rest-api\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")
distdir=rbd-rest-api-$version

# distcheck makes the tarball (left in the build tree, where make dist
# puts it), unpacks it, and builds and checks it.
SECONDS=0
rm -f "$build/$distdir.tar.gz"
out=$(make -C "$build" -s distcheck 2>&1)
status=$?
result "$status" "make distcheck (the pure tests only inside it)"
[ "$status" = 0 ] || diag "$(printf '%s\n' "$out" | tail -n 40)"
echo "# make distcheck: ${SECONDS}s"
tarball=$build/$distdir.tar.gz

(cd "$src" && git ls-files) | grep -vx '.gitignore' | sort >"$work/git"
tar tzf "$tarball" 2>/dev/null | sed "s|^$distdir/||" | grep -v '/$' | grep -v '^$' | sort >"$work/tar"
# What autoreconf makes: in the tarball, never in git.
generated='^(Makefile\.in|aclocal\.m4|configure|config\.h\.in|build-aux/[^/]+)$'
missing=$(comm -23 "$work/git" "$work/tar")
result "$([ -z "$missing" ]; echo $?)" "the tarball holds every file git tracks"
[ -z "$missing" ] || diag "missing from make dist (add them to EXTRA_DIST or a _SOURCES):" $missing
extra=$(comm -13 "$work/git" "$work/tar" | grep -Ev "$generated")
result "$([ -z "$extra" ]; echo $?)" "and nothing git does not track, but autotools' own files"
[ -z "$extra" ] || diag "in the tarball but not in git (build products?):" $extra

# Every test file is registered: an unregistered one is neither in the
# tarball's TESTS nor run by t/check.
registered=$(make -C "$build" -s -f Makefile -f - print-tests <<<'print-tests: ; @echo $(TESTS)' 2>/dev/null)
unregistered=
for t in $(cd "$src" && git ls-files 't/[0-9]*.t'); do
	[[ " $registered " == *" $t "* ]] || unregistered+="$t "
done
result "$([ -z "$unregistered" ]; echo $?)" "every t/NN-*.t is in Makefile.am's TESTS"
[ -z "$unregistered" ] || diag "not registered: $unregistered"
echo "1..$n"
exit "$failed"
