#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container image's build (docker/Dockerfile), checked as far as a
# machine without a Docker engine allows:
# - the build stage's RUN commands run for real on this host (Debian 12
#   too), in a tree made by the Dockerfile's own COPY lines;
# - every package either stage installs exists in Debian 12 and is
#   installable, and the runtime packages provide every library the daemon
#   the build stage installed links to;
# - the runtime stage's USER, EXPOSE, ENTRYPOINT, CMD, HEALTHCHECK, LABEL.
# The entrypoint running is t/91-container-run.t; the Kubernetes manifest,
# t/92-kubernetes.t.
. "$(dirname "$0")/lib/test-lib.sh"
# shellcheck source=t/lib/container.sh
. "$T_DIR/lib/container.sh"

froms=$(awk -F'\t' '$2 == "FROM" { print $3 }' "$work/instructions" | tr '\n' '|')
is "$froms" "debian:12-slim AS build|debian:12-slim AS docs|debian:12-slim|" \
	"Dockerfile: three stages on debian:12-slim, build, docs (Swagger UI) and the runtime"

# --- the build stage, for real: COPY from this tree, WORKDIR and RUN as
# docker would (sh -c, a clean environment), with / moved to $work/root.
# It is the long part (a full autotools build), so it runs in the
# background while the checks that do not need it run; its results are
# written to files and reported after it ends.
mkdir -p "$root" "$work/home"
build_stage() {
	local stage ins args cwd=$root srcs dest pattern matches m cmd status
	SECONDS=0
	while IFS=$'\t' read -r stage ins args; do
		[ "$stage" = build ] || [ "$stage" = docs ] || continue
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
			printf '%s\t%s stage: RUN %s... succeeds\n' "$status" "$stage" "${args:0:60}" >>"$work/build-results"
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
docs_packages=$(words "$(apt_packages docs)")
is "$docs_packages" "npm ca-certificates" "the docs stage installs npm alone (and the CA list)"
is "$build_packages" \
	"build-essential autoconf automake pkg-config libfcgi-dev librados-dev librbd-dev libjson-c-dev libssl-dev" \
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
apt-cache "${apt_opts[@]}" policy $build_packages $docs_packages $runtime_packages >"$work/apt/policy" 2>&1
for p in $build_packages $docs_packages $runtime_packages; do
	# The package's paragraph: from "NAME:" to the next unindented line.
	policy=$(awk -v p="$p:" '/^[^ ]/ { on = ($0 == p) } on' "$work/apt/policy")
	candidate=$(printf '%s\n' "$policy" | awk '/Candidate:/ { print $2 }')
	[ -n "$candidate" ] && [ "$candidate" != "(none)" ] && [[ $policy == *bookworm* ]]
	ok $? "apt has $p from Debian 12 (candidate ${candidate:-none})"
done
for stage in build docs runtime; do
	case $stage in
	build) list=$build_packages ;;
	docs) list=$docs_packages ;;
	*) list=$runtime_packages ;;
	esac
	# Debian's npm conflicts with a nodejs from elsewhere (NodeSource's
	# provides npm itself): then apt cannot simulate it here, though a
	# debian:12-slim can install it.
	if [ "$stage" = docs ] && dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q nodesource; then
		ok 0 "apt-get install -s of the docs stage's packages # SKIP this host's nodejs is not Debian's"
		continue
	fi
	# shellcheck disable=SC2086  # a list of names
	out=$(apt-get "${apt_opts[@]}" install -s -q --no-install-recommends $list 2>&1)
	status=$?
	ok "$status" "apt-get install -s of the $stage stage's packages succeeds"
	[ "$status" = 0 ] || diag "$out"
done

# --- the runtime stage's other instructions
[[ $uid =~ ^[0-9]+$ ]] && [ "$uid" != 0 ]
ok $? "USER is a numeric non-root uid ($user), as Kubernetes' runAsNonRoot needs"
expose=$(words "$(instructions "$runtime" EXPOSE)")
is "$expose" "8443 8080" "EXPOSE 8443 8080"
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
while read -r src _; do
	[ -e "$root$src" ]
	ok $? "docs stage made $src (COPY --from=docs)"
done < <(instructions "$runtime" COPY | sed -n 's/^--from=docs //p')
pinned=$(jq -r '.dependencies["swagger-ui-dist"]' "$top/npm/package.json")
got=$(jq -r .version "$root/docs/node_modules/swagger-ui-dist/package.json" 2>/dev/null)
is "$got" "$pinned" "the docs stage's swagger-ui-dist is the version npm/package.json pins"
[ -f "$root/docs/node_modules/swagger-ui-dist/swagger-ui-bundle.js" ]
ok $? "and holds swagger-ui-bundle.js, which nginx/api-docs.html loads"
[ ! -d "$root/docs/node_modules/@redocly" ] && [ ! -d "$root/docs/node_modules/playwright-core" ]
ok $? "and none of the test tools (devDependencies)"

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


done_testing
