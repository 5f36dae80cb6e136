# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/ports.sh - hand out free TCP ports on 127.0.0.1 for tests.
#
# Source this file; it defines functions only and changes no shell options,
# so it is safe under `set -euo pipefail`.
#
#   free_port          prints a free port on stdout, e.g.  p=$(free_port)
#   free_port VAR      stores it in the shell variable VAR instead
#
# A port is random in 20000-60000 (leaving out the kernel's ephemeral range,
# net.ipv4.ip_local_port_range, when enough ports remain outside it, so an
# outgoing connection cannot grab it before our daemon binds it) and is
# checked with `ss` (iproute2) not to be in use in any TCP state.
#
# Ports already handed out are never handed out again:
#   - in this shell, through the list in FREE_PORTS_GIVEN (space separated);
#   - across subshells ($(free_port) cannot update the caller's variables)
#     and across concurrent test processes, through a small registry file
#     (FREE_PORT_REGISTRY, default ${TMPDIR:-/tmp}/free_port.UID.reserved)
#     updated under flock; its entries expire after FREE_PORT_HOLD seconds
#     (default 600), by which time the test has bound the port or given up.
#
# Returns non-zero with a message on stderr if no port can be found.

FREE_PORTS_GIVEN=${FREE_PORTS_GIVEN:-}

_free_port_err() {
	printf 'ports.sh: %s\n' "$*" >&2
}

# _free_port_pick GIVEN_LIST : prints one port, records it in the registry.
# The registry is read, then rewritten, under the lock held on fd 9 (an
# append-mode handle only used for locking).
# shellcheck disable=SC2094
_free_port_pick() {
	local given=" $1 "
	local reg=${FREE_PORT_REGISTRY:-${TMPDIR:-/tmp}/free_port.$(id -u).reserved}
	local hold=${FREE_PORT_HOLD:-600}
	local lo=20000 hi=60000 elo now

	command -v ss >/dev/null 2>&1 || {
		_free_port_err "ss not found (install iproute2)"; return 1; }

	# Skip the ephemeral range if at least 5000 ports stay available.
	if read -r elo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null &&
			[ "$elo" -gt "$lo" ] && [ "$(( elo - lo ))" -ge 5000 ]; then
		hi=$(( elo - 1 ))
	fi

	(
		# The lock serialises concurrent callers; without flock we still
		# work, only less protected against a parallel process.
		if command -v flock >/dev/null 2>&1; then
			flock -w 20 9 || { _free_port_err "cannot lock $reg"; exit 1; }
		fi
		now=$(date +%s)
		local -A taken=()
		local p t line
		# Live reservations (dropping expired ones as we rewrite the file).
		local keep=
		while read -r p t; do
			case $p$t in ''|*[!0-9]*) continue ;; esac
			if [ "$(( now - t ))" -lt "$hold" ]; then
				taken[$p]=1
				keep+="$p $t"$'\n'
			fi
		done <"$reg"
		# Everything that has a TCP socket on that local port, any state.
		while read -r line; do
			p=${line##*:}
			case $p in ''|*[!0-9]*) continue ;; esac
			taken[$p]=1
		done < <(ss -Htan 2>/dev/null | awk '{print $4}')

		local tries=500 r
		while [ "$tries" -gt 0 ]; do
			tries=$(( tries - 1 ))
			r=${SRANDOM:-$(( RANDOM * 32768 + RANDOM ))}
			p=$(( lo + r % (hi - lo + 1) ))
			[ -n "${taken[$p]:-}" ] && continue
			case $given in *" $p "*) continue ;; esac
			printf '%s%s %s\n' "$keep" "$p" "$now" >"$reg" || {
				_free_port_err "cannot write $reg"; exit 1; }
			printf '%s\n' "$p"
			exit 0
		done
		_free_port_err "no free port found in $lo-$hi"
		exit 1
	) 9>>"$reg"
}

free_port() {
	if [ $# -gt 1 ]; then
		_free_port_err "usage: free_port [VAR]"
		return 2
	fi
	local _fp_port
	_fp_port=$(_free_port_pick "$FREE_PORTS_GIVEN") || return 1
	FREE_PORTS_GIVEN="${FREE_PORTS_GIVEN:+$FREE_PORTS_GIVEN }$_fp_port"
	if [ $# -eq 1 ]; then
		printf -v "$1" '%s' "$_fp_port"
	else
		printf '%s\n' "$_fp_port"
	fi
}
