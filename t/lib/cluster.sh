# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/cluster.sh - a throw-away single-node Ceph cluster for tests.
#
# Source this file (it sources ports.sh beside it); it defines functions
# only and changes no shell options, so it is safe under `set -euo pipefail`
# and does not rely on `set -e` either: every function returns non-zero with
# a message on stderr when something goes wrong.
#
#   cluster_start DIR
#       DIR: an existing, empty directory (e.g. from mktemp -d).  Builds and
#       starts, all inside DIR and all on 127.0.0.1 (msgr v2 only; the mon
#       on a port from free_port, the others on ports of the messenger's own
#       6800-7300 range), one ceph-mon (mon.a), one ceph-mgr (mgr.x) and one
#       ceph-osd (osd.0, memstore: data in RAM, 8 GiB thin, or
#       CLUSTER_MEMSTORE_BYTES; CLUSTER_OSDS=N for N of them, osd.0 to
#       osd.N-1, e.g. 3 for an erasure-coded pool with k=2 m=1 and failure
#       domain osd), with cephx on;
#       creates pool `rbd` (8 PGs, size 1, application rbd, `rbd pool
#       init`), waits until the cluster is HEALTH_OK with the mgr active and
#       all PGs active+clean, and checks that an image can be created and
#       removed.  `rbd` is the only pool (the mgr's device_health_metrics
#       pool is switched off).  Takes about 4-5 s on a 2-core machine; gives
#       up after CLUSTER_START_TIMEOUT seconds (default 60), printing the
#       tails of the daemon logs, and then stops what it started.
#       On success prints nothing, and sets:
#         CLUSTER_DIR       DIR (absolute path)     shell variable
#         CEPH_CONF         DIR/ceph.conf           exported, so `ceph`,
#                           `rbd`, `rados` and any librados client that calls
#                           rados_conf_read_file(cluster, NULL) find it
#         CLUSTER_MON_ADDR  v2:127.0.0.1:PORT       shell variable
#       and writes them as shell lines to DIR/env.
#       The client.admin keyring is DIR/ceph.client.admin.keyring; the
#       config's `keyring = DIR/$cluster.$name.keyring` finds it, and the
#       keyring of any user made by cluster_create_user, by name.
#       Clients get no admin socket and no log file (those are set only in
#       the daemons' sections), so any number of concurrent client processes
#       can share DIR/ceph.conf.
#       Progress and command output: DIR/cluster.log; daemon logs:
#       DIR/log/{mon.a,mgr.x,osd.0}.log (and .out for their stderr).
#
#   cluster_stop DIR
#       Stops only the daemons cluster_start recorded in DIR/daemons.pids
#       (checking each pid's command line still names DIR/ceph.conf): TERM
#       to the OSD first (so the mon is still there to hear it go), then to
#       mgr and mon, KILL for whatever is left after CLUSTER_STOP_GRACE
#       seconds (default 5) per step; waits until they are gone.  Idempotent;
#       fine on a half-started cluster or on a DIR with nothing in it.
#       Call it from the shell that ran cluster_start (the daemons are its
#       children and it reaps them; on this VM's init, orphans that exit
#       may linger as zombies).  A trap on EXIT is the usual way.
#
#   cluster_create_user DIR NAME [CAPS...]
#       `ceph auth get-or-create client.NAME CAPS...` writing the keyring to
#       DIR/ceph.client.NAME.keyring (where the config looks for it, so a
#       client started with id NAME needs nothing more).  CAPS default to
#       mon 'profile rbd' osd 'profile rbd' mgr 'profile rbd'.
#
# Typical test:
#   . t/lib/cluster.sh
#   d=$(mktemp -d) && trap 'cluster_stop "$d"; rm -rf "$d"' EXIT
#   cluster_start "$d" || exit 1
#   rbd create rbd/img --size 1G        # CEPH_CONF is exported

_CLUSTER_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=t/lib/ports.sh
. "$_CLUSTER_SH_DIR/ports.sh"

# The ceph CLI is a /usr/bin/python3 script, so that interpreter is there
# (and has the json module) wherever ceph is; a pyenv python3 may not be.
if [ -x /usr/bin/python3 ]; then
	_CLUSTER_PY=/usr/bin/python3
else
	_CLUSTER_PY=python3
fi

_cluster_err() {
	printf 'cluster.sh: %s\n' "$*" >&2
}

_cluster_now() {    # seconds since the epoch, with decimals
	printf '%s\n' "${EPOCHREALTIME:-$(date +%s.%N)}"
}

_cluster_elapsed() {    # START -> seconds since START, one decimal
	awk -v a="$1" -v b="$(_cluster_now)" 'BEGIN { printf "%.1f\n", b - a }'
}

_cluster_log() {    # DIR MSG...
	local dir=$1; shift
	printf '%s %s\n' "$(date +%T.%N | cut -c1-12)" "$*" >>"$dir/cluster.log"
}

# _cluster_run DIR TIMEOUT CMD... : run CMD with output to DIR/cluster.log.
_cluster_run() {
	local dir=$1 t=$2 rc=0; shift 2
	_cluster_log "$dir" "+ $*"
	timeout -k 5 "$t" "$@" </dev/null >>"$dir/cluster.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || _cluster_log "$dir" "  -> exit $rc"
	return "$rc"
}

# _cluster_ceph DIR TIMEOUT ARGS... : the ceph CLI on this cluster.
_cluster_ceph() {
	local dir=$1 t=$2; shift 2
	_cluster_run "$dir" "$t" ceph -c "$dir/ceph.conf" --connect-timeout "$t" "$@"
}

# _cluster_alive DIR PID : PID is running and is one of DIR's daemons
# (guards against pid reuse: the daemon's command line names DIR/ceph.conf).
_cluster_alive() {
	local dir=$1 pid=$2 cmd
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	kill -0 "$pid" 2>/dev/null || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
	case $cmd in *"$dir/ceph.conf"*) return 0 ;; esac
	return 1    # gone, a zombie (empty cmdline) or someone else's process
}

# _cluster_spawn DIR NAME CMD... : start a daemon that runs in the
# foreground (-f) in the background; record "PID NAME" in DIR/daemons.pids.
_cluster_spawn() {
	local dir=$1 name=$2 pid; shift 2
	_cluster_log "$dir" "+ $* &"
	"$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
	pid=$!
	# No "Terminated" job report when cluster_stop kills it; bash still
	# reaps it.
	disown "$pid" 2>/dev/null || true
	printf '%s %s\n' "$pid" "$name" >>"$dir/daemons.pids"
	_cluster_log "$dir" "  $name pid $pid"
}

# _cluster_check_daemons DIR : every recorded daemon is still running.
_cluster_check_daemons() {
	local dir=$1 pid name rc=0
	[ -s "$dir/daemons.pids" ] || return 0
	while read -r pid name; do
		if ! _cluster_alive "$dir" "$pid"; then
			_cluster_err "$name (pid $pid) died; see $dir/log/$name.log"
			rc=1
		fi
	done <"$dir/daemons.pids"
	return "$rc"
}

# _cluster_ready DIR : one `ceph status`; 0 if the cluster is HEALTH_OK,
# the mgr active, osd.0 up and in, and every PG (at least the 8 of pool rbd)
# active+clean as the mgr reports them.  Otherwise prints why on stdout.
_cluster_ready() {
	local dir=$1 js
	js=$(timeout -k 2 15 ceph -c "$dir/ceph.conf" --connect-timeout 10 \
			status -f json 2>&1 </dev/null) || {
		printf 'ceph status failed: %s\n' "$(printf '%s' "$js" | tail -n 2)"
		return 1
	}
	printf '%s' "$js" | "$_CLUSTER_PY" -c '
import json, sys
try:
	j = json.load(sys.stdin)
except Exception as e:
	print("unparsable ceph status: %s" % e)
	sys.exit(1)
why = []
h = j.get("health", {})
if h.get("status") != "HEALTH_OK":
	why.append("%s %s" % (h.get("status"), " ".join(sorted(h.get("checks", {})))))
if not j.get("mgrmap", {}).get("available"):
	why.append("mgr not active")
o = j.get("osdmap", {})
o = o.get("osdmap", o)
want = int(sys.argv[1])
if o.get("num_up_osds") != want or o.get("num_in_osds") != want:
	why.append("osds up/in: %s/%s" % (o.get("num_up_osds"), o.get("num_in_osds")))
p = j.get("pgmap", {})
n = p.get("num_pgs", 0)
ac = sum(s.get("count", 0) for s in p.get("pgs_by_state", [])
		 if s.get("state_name") == "active+clean")
if n < 8 or ac != n:
	why.append("pgs active+clean: %d/%d" % (ac, n))
if why:
	print("; ".join(why))
	sys.exit(1)
' "${CLUSTER_OSDS:-1}"
}

# _cluster_diag DIR : what to show when the start fails.
_cluster_diag() {
	local dir=$1 pid name f
	if [ -s "$dir/daemons.pids" ]; then
		while read -r pid name; do
			if _cluster_alive "$dir" "$pid"; then
				printf '  %s: running (pid %s)\n' "$name" "$pid" >&2
			else
				printf '  %s: NOT running (pid %s)\n' "$name" "$pid" >&2
			fi
		done <"$dir/daemons.pids"
	fi
	for f in "$dir"/log/*.log "$dir"/log/*.out; do
		[ -s "$f" ] || continue
		case $f in */cluster.*.log) continue ;; esac
		printf -- '--- last lines of %s:\n' "$f" >&2
		grep -v '^[[:space:]]*$' "$f" | tail -n 15 >&2
	done
	if [ -s "$dir/cluster.log" ]; then
		printf -- '--- last lines of %s:\n' "$dir/cluster.log" >&2
		tail -n 25 "$dir/cluster.log" >&2
	fi
}

# _cluster_fail DIR MSG : report, show logs, stop what was started.
_cluster_fail() {
	local dir=$1; shift
	_cluster_err "$*"
	_cluster_log "$dir" "FAILED: $*"
	_cluster_diag "$dir"
	cluster_stop "$dir" >/dev/null 2>&1
	return 1
}

cluster_start() {
	if [ $# -ne 1 ]; then
		_cluster_err "usage: cluster_start DIR"
		return 2
	fi
	local dir t0 deadline port fsid f why i
	local timeout=${CLUSTER_START_TIMEOUT:-60} nosd=${CLUSTER_OSDS:-1}
	local -a osd_uuids=()
	for f in ceph ceph-mon ceph-mgr ceph-osd ceph-authtool monmaptool rbd \
			uuidgen timeout ss awk grep "$_CLUSTER_PY"; do
		command -v "$f" >/dev/null 2>&1 || {
			_cluster_err "$f not found (need ceph-mon ceph-mgr ceph-osd ceph-common uuid-runtime iproute2)"
			return 1; }
	done
	dir=$(cd "$1" 2>/dev/null && pwd -P) || { _cluster_err "no such directory: $1"; return 1; }
	if [ -e "$dir/ceph.conf" ] || [ -e "$dir/daemons.pids" ]; then
		_cluster_err "$dir already holds a cluster; cluster_stop it and use a fresh directory"
		return 1
	fi
	t0=$(_cluster_now)
	deadline=$(( ${t0%.*} + timeout ))

	case $nosd in ''|*[!0-9]*|0) _cluster_err "CLUSTER_OSDS must be a positive number"; return 1 ;; esac
	mkdir -p "$dir/log" "$dir/run" "$dir/crash" "$dir/tmp" "$dir/mon" \
		"$dir/mgr/ceph-x" ||
		{ _cluster_err "cannot create directories in $dir"; return 1; }
	for (( i = 0; i < nosd; i++ )); do
		mkdir -p "$dir/osd/ceph-$i" || { _cluster_err "cannot create directories in $dir"; return 1; }
	done
	: >"$dir/cluster.log" || { _cluster_err "cannot write in $dir"; return 1; }
	_cluster_log "$dir" "cluster_start $dir"

	free_port port || return 1
	# shellcheck disable=SC2015  # C runs iff A or B failed: intended
	fsid=$(uuidgen) || { _cluster_err "uuidgen failed"; return 1; }
	for (( i = 0; i < nosd; i++ )); do
		osd_uuids+=("$(uuidgen)") || { _cluster_err "uuidgen failed"; return 1; }
	done

	# ---- ceph.conf
	# Admin sockets, log files and pid files only in the daemon sections:
	# in [global] every librados client process would use the same paths.
	cat >"$dir/ceph.conf" <<EOF || { _cluster_err "cannot write $dir/ceph.conf"; return 1; }
# Generated by t/lib/cluster.sh for a test run; do not edit.
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
ms bind msgr1 = false
ms bind msgr2 = true
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
# "mons are allowing insecure global_id reclaim" otherwise
auth allow insecure global id reclaim = false
keyring = $dir/\$cluster.\$name.keyring
run dir = $dir/run
crash dir = $dir/crash
log to syslog = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
# PG states reach 'ceph status' within a second instead of five
mgr stats period = 1
mon mgr digest period = 1

[mon]
mon data = $dir/mon/\$cluster-\$id
keyring = \$mon_data/keyring
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
mon cluster log file = $dir/log/cluster.\$channel.log
paxos propose interval = 0.1
mon data avail warn = 1
mon data avail crit = 0
# memstore OSDs may hold erasure-coded pools with overwrites (for RBD
# data pools); otherwise the monitor allows it on BlueStore only
mon debug no require bluestore for ec overwrites = true
# no restful/iostat/nfs (restful would want port 8003)
mgr initial modules =

[mgr]
mgr data = $dir/mgr/\$cluster-\$id
keyring = \$mgr_data/keyring
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
public addr = 127.0.0.1
# Not even loaded (saves seconds of start-up).  The always-on modules
# (balancer crash devicehealth orchestrator pg_autoscaler progress
# rbd_support status telemetry volumes) cannot be left out: HEALTH_ERR.
mgr disabled modules = alerts cephadm dashboard diskprediction_local influx insights iostat k8sevents localpool mirroring nfs osd_perf_query osd_support prometheus restful rook selftest snap_schedule stats telegraf test_orchestrator zabbix

[osd]
osd data = $dir/osd/\$cluster-\$id
keyring = \$osd_data/keyring
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
public addr = 127.0.0.1
cluster addr = 127.0.0.1
osd objectstore = memstore
memstore device bytes = ${CLUSTER_MEMSTORE_BYTES:-8589934592}
# RBD needs its object classes (cls_rbd, cls_lock, ...)
osd class load list = *
osd class default list = *
osd mon shutdown timeout = 1
EOF

	# ---- keys, keyrings, monmap
	# Keys are made here (one python start instead of one ceph-authtool run
	# per key, ~0.1 s each): base64 of the cephx CryptoKey encoding, as
	# `ceph-authtool --gen-print-key` prints it.
	local -a keys
	mapfile -t keys < <("$_CLUSTER_PY" -c '
import base64, os, struct, sys, time
for _ in range(3 + int(sys.argv[1])):
	t = time.time()
	print(base64.b64encode(struct.pack("<HIIH", 1, int(t), int(t % 1 * 1e9), 16)
						   + os.urandom(16)).decode())' "$nosd")
	if [ "${#keys[@]}" -ne $(( 3 + nosd )) ]; then
		_cluster_fail "$dir" "cannot generate cephx keys"; return 1
	fi
	local admin_kr mgr_kr osd_kr osd_krs=
	admin_kr=$(printf '[client.admin]\n\tkey = %s\n\tcaps mds = "allow *"\n\tcaps mgr = "allow *"\n\tcaps mon = "allow *"\n\tcaps osd = "allow *"\n' "${keys[1]}")
	mgr_kr=$(printf '[mgr.x]\n\tkey = %s\n\tcaps mds = "allow *"\n\tcaps mon = "allow profile mgr"\n\tcaps osd = "allow *"\n' "${keys[2]}")
	for (( i = 0; i < nosd; i++ )); do
		osd_kr=$(printf '[osd.%d]\n\tkey = %s\n\tcaps mgr = "allow profile osd"\n\tcaps mon = "allow profile osd"\n\tcaps osd = "allow *"\n' "$i" "${keys[3 + i]}")
		( umask 077; printf '%s\n' "$osd_kr" >"$dir/osd/ceph-$i/keyring" ) ||
			{ _cluster_fail "$dir" "cannot write keyrings in $dir"; return 1; }
		osd_krs+=$osd_kr$'\n'
	done
	local mk=$dir/tmp/mon.keyring
	(
		umask 077
		printf '%s\n' "$admin_kr" >"$dir/ceph.client.admin.keyring" &&
		printf '%s\n' "$mgr_kr" >"$dir/mgr/ceph-x/keyring" &&
		# The mon imports every key of its mkfs keyring into its auth
		# database: admin, mgr and osd need no `ceph auth add`.
		printf '[mon.]\n\tkey = %s\n\tcaps mon = "allow *"\n%s\n%s\n%s\n' \
			"${keys[0]}" "$admin_kr" "$mgr_kr" "$osd_krs" >"$mk"
	) || { _cluster_fail "$dir" "cannot write keyrings in $dir"; return 1; }
	_cluster_run "$dir" 30 monmaptool --create --fsid "$fsid" \
			--addv a "[v2:127.0.0.1:$port]" --enable-all-features \
			--set-min-mon-release pacific "$dir/tmp/monmap" ||
		{ _cluster_fail "$dir" "monmaptool failed (see $dir/cluster.log)"; return 1; }

	# ---- mkfs of mon and osd (the osd's needs no mon: --no-mon-config)
	_cluster_run "$dir" 60 ceph-mon -c "$dir/ceph.conf" -i a --mkfs \
			--monmap "$dir/tmp/monmap" --keyring "$mk" ||
		{ _cluster_fail "$dir" "ceph-mon --mkfs failed"; return 1; }
	for (( i = 0; i < nosd; i++ )); do
		_cluster_run "$dir" 60 ceph-osd -c "$dir/ceph.conf" -i "$i" --mkfs \
				--osd-uuid "${osd_uuids[i]}" --no-mon-config ||
			{ _cluster_fail "$dir" "ceph-osd --mkfs failed"; return 1; }
	done

	# ---- mon, and the mgr at once: loading its python modules takes ~3 s
	_cluster_spawn "$dir" mon.a ceph-mon -f -c "$dir/ceph.conf" -i a
	_cluster_spawn "$dir" mgr.x ceph-mgr -f -c "$dir/ceph.conf" -i x

	# ---- one ceph CLI session (saves a python start per command; it also
	# waits for the mon).  It exits 0 even if a command fails: what matters
	# is checked below (osd.0 cannot boot without 'osd new', the wait needs
	# the pool).
	# devicehealth is an always-on mgr module and would create a pool
	# device_health_metrics once an OSD is up; a ceph.conf setting does not
	# reach mgr modules, and the mon only knows the option once a mgr has
	# announced it, hence --force.  The mgr reads it when it becomes active,
	# seconds later.
	{
		printf '%s\n' 'config set mgr mgr/devicehealth/enable_monitoring false --force'
		for (( i = 0; i < nosd; i++ )); do
			printf 'osd new %s %d\n' "${osd_uuids[i]}" "$i"
		done
		printf '%s\n' 'osd pool create rbd 8 8' 'osd pool application enable rbd rbd'
	} >"$dir/tmp/setup.cmds"
	_cluster_log "$dir" "+ ceph < $dir/tmp/setup.cmds"
	if ! timeout -k 5 30 ceph -c "$dir/ceph.conf" --connect-timeout 30 \
			<"$dir/tmp/setup.cmds" >>"$dir/cluster.log" 2>&1; then
		_cluster_fail "$dir" "ceph CLI cannot reach the mon on 127.0.0.1:$port"
		return 1
	fi

	# ---- osds
	for (( i = 0; i < nosd; i++ )); do
		_cluster_spawn "$dir" "osd.$i" ceph-osd -f -c "$dir/ceph.conf" -i "$i"
	done
	# A client that sends to a PG with no OSD up rechecks only on its 5 s
	# objecter tick: let the OSD boot first.  Its log says when; if that
	# line never shows (other log levels?), go on after 15 s anyway: the
	# health wait below is what decides.
	local boot_wait=150
	while [ "$(grep -l 'state: booting -> active' "$dir"/log/osd.*.log 2>/dev/null | wc -l)" -lt "$nosd" ]; do
		_cluster_check_daemons "$dir" ||
			{ _cluster_fail "$dir" "a daemon died while osd.0 was booting"; return 1; }
		boot_wait=$(( boot_wait - 1 ))
		[ "$boot_wait" -gt 0 ] || break
		sleep 0.1
	done
	_cluster_log "$dir" "$nosd osd(s) booted after $(_cluster_elapsed "$t0") s (or gave up looking)"

	# rbd pool init enables the application (done above already) and
	# validates the pool (self-managed snaps, overwrites).
	_cluster_run "$dir" 45 rbd -c "$dir/ceph.conf" pool init rbd ||
		{ _cluster_fail "$dir" "'rbd pool init rbd' failed"; return 1; }
	_cluster_log "$dir" "pool rbd initialised after $(_cluster_elapsed "$t0") s"

	# ---- wait for HEALTH_OK + mgr active + all PGs active+clean
	while :; do
		_cluster_check_daemons "$dir" ||
			{ _cluster_fail "$dir" "a daemon died while waiting for the cluster to be healthy"; return 1; }
		why=$(_cluster_ready "$dir") && break
		_cluster_log "$dir" "not ready: $why"
		if [ "$(date +%s)" -ge "$deadline" ]; then
			_cluster_log "$dir" "not ready: $why"
			_cluster_ceph "$dir" 10 health detail || true
			_cluster_ceph "$dir" 10 -s || true
			_cluster_fail "$dir" "cluster not healthy after ${timeout}s: $why"
			return 1
		fi
		sleep 0.2
	done
	_cluster_log "$dir" "healthy after $(_cluster_elapsed "$t0") s"

	# ---- the pool is usable (object classes loaded, cephx ok)
	# shellcheck disable=SC2015
	_cluster_run "$dir" 30 rbd -c "$dir/ceph.conf" create rbd/cluster-sh-probe --size 1M &&
	_cluster_run "$dir" 30 rbd -c "$dir/ceph.conf" rm --no-progress rbd/cluster-sh-probe ||
		{ _cluster_fail "$dir" "cannot create/remove an RBD image in pool rbd"; return 1; }

	CLUSTER_DIR=$dir
	CLUSTER_MON_ADDR=v2:127.0.0.1:$port
	CEPH_CONF=$dir/ceph.conf
	export CEPH_CONF
	printf 'export CEPH_CONF=%q\nCLUSTER_DIR=%q\nCLUSTER_MON_ADDR=%q\n' \
		"$CEPH_CONF" "$CLUSTER_DIR" "$CLUSTER_MON_ADDR" >"$dir/env"
	_cluster_log "$dir" "cluster ready after $(_cluster_elapsed "$t0") s"
	return 0
}

# _cluster_term DIR GRACE PID... : TERM the PIDs, wait up to GRACE seconds;
# sets _CLUSTER_LEFT to those still running.
_cluster_term() {
	local dir=$1 grace=$2 pid tries; shift 2
	_CLUSTER_LEFT=()
	[ $# -gt 0 ] || return 0
	_cluster_log "$dir" "cluster_stop: TERM $*"
	kill -TERM "$@" 2>/dev/null || true
	tries=$(( grace * 10 ))
	while :; do
		_CLUSTER_LEFT=()
		for pid in "$@"; do
			_cluster_alive "$dir" "$pid" && _CLUSTER_LEFT+=("$pid")
		done
		[ "${#_CLUSTER_LEFT[@]}" -eq 0 ] && return 0
		tries=$(( tries - 1 ))
		[ "$tries" -le 0 ] && return 1
		sleep 0.1
	done
}

cluster_stop() {
	if [ $# -ne 1 ]; then
		_cluster_err "usage: cluster_stop DIR"
		return 2
	fi
	local dir pid name tries grace=${CLUSTER_STOP_GRACE:-5}
	local -a osds=() others=() left=()
	dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0    # nothing there
	[ -s "$dir/daemons.pids" ] || return 0
	while read -r pid name; do
		_cluster_alive "$dir" "$pid" || continue
		case $name in
			osd.*) osds+=("$pid") ;;
			*) others+=("$pid") ;;
		esac
	done <"$dir/daemons.pids"
	[ "${#osds[@]}" -gt 0 ] || [ "${#others[@]}" -gt 0 ] || return 0

	_cluster_term "$dir" "$grace" "${osds[@]}"
	left=("${_CLUSTER_LEFT[@]}")
	_cluster_term "$dir" "$grace" "${others[@]}"
	left+=("${_CLUSTER_LEFT[@]}")
	if [ "${#left[@]}" -gt 0 ]; then
		_cluster_log "$dir" "cluster_stop: KILL ${left[*]}"
		kill -KILL "${left[@]}" 2>/dev/null || true
		tries=50
		while [ "$tries" -gt 0 ]; do
			local still=0
			for pid in "${left[@]}"; do
				_cluster_alive "$dir" "$pid" && still=1
			done
			[ "$still" = 0 ] && break
			tries=$(( tries - 1 ))
			sleep 0.1
		done
		for pid in "${left[@]}"; do
			if _cluster_alive "$dir" "$pid"; then
				_cluster_err "could not stop pid $pid (a daemon of $dir)"
				return 1
			fi
		done
	fi
	_cluster_log "$dir" "cluster_stop: done"
	return 0
}

cluster_create_user() {
	if [ $# -lt 2 ]; then
		_cluster_err "usage: cluster_create_user DIR NAME [CAPS...]"
		return 2
	fi
	local dir name kr
	dir=$(cd "$1" 2>/dev/null && pwd -P) || { _cluster_err "no such directory: $1"; return 1; }
	[ -s "$dir/ceph.conf" ] || { _cluster_err "no cluster in $dir"; return 1; }
	name=${2#client.}
	shift 2
	[ $# -gt 0 ] || set -- mon 'profile rbd' osd 'profile rbd' mgr 'profile rbd'
	kr=$dir/ceph.client.$name.keyring
	if ! _cluster_ceph "$dir" 30 auth get-or-create "client.$name" "$@" -o "$kr"; then
		_cluster_err "ceph auth get-or-create client.$name failed:"
		tail -n 5 "$dir/cluster.log" >&2
		return 1
	fi
}
