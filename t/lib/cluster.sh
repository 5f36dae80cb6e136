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
#       starts, all inside DIR and all on 127.0.0.1 (msgr v2 only, ports
#       from free_port / the messenger's own range), one ceph-mon (mon.a),
#       one ceph-mgr (mgr.x) and one ceph-osd (osd.0, memstore: RAM only),
#       with cephx on; creates pool `rbd` (8 PGs, size 1), runs
#       `rbd pool init rbd`, waits for HEALTH_OK and checks that an image can
#       be created and removed.  Gives up after CLUSTER_START_TIMEOUT seconds
#       (default 60), printing the tails of the daemon logs, and then stops
#       what it started.  About 10 s on a 2-core machine.
#       On success prints nothing, and sets:
#         CLUSTER_DIR   DIR (absolute)            shell variable
#         CEPH_CONF     DIR/ceph.conf             exported, so `ceph`, `rbd`,
#                       `rados` and any librados client that calls
#                       rados_conf_read_file(cluster, NULL) find the cluster
#         CLUSTER_MON_ADDR  v2:127.0.0.1:PORT     shell variable
#       and writes the export lines to DIR/env.
#       The client.admin keyring is DIR/ceph.client.admin.keyring; the
#       config's [global] `keyring = DIR/$cluster.$name.keyring` finds it,
#       and the keyring of any user made by cluster_create_user, by name.
#       Clients get no admin socket and no log file, so any number of
#       concurrent client processes can share DIR/ceph.conf.
#       Progress and command output go to DIR/cluster.log; daemon logs are
#       DIR/log/{mon.a,mgr.x,osd.0}.log.
#
#   cluster_stop DIR
#       Stops only the daemons cluster_start recorded in DIR/daemons.pids
#       (TERM, then KILL after CLUSTER_STOP_GRACE seconds, default 5) and
#       waits until they are gone.  Idempotent; fine on a half-started
#       cluster or a DIR with nothing in it.
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
#   rbd create rbd/img --size 1G

_CLUSTER_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=t/lib/ports.sh
. "$_CLUSTER_SH_DIR/ports.sh"

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
    local dir=$1 t=$2 rc; shift 2
    _cluster_log "$dir" "+ $*"
    timeout -k 5 "$t" "$@" </dev/null >>"$dir/cluster.log" 2>&1
    rc=$?
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

# _cluster_spawn DIR NAME CMD... : start a daemon in the foreground mode
# (-f) in the background, record "PID NAME" in DIR/daemons.pids.
_cluster_spawn() {
    local dir=$1 name=$2 pid; shift 2
    _cluster_log "$dir" "+ $* &"
    "$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
    pid=$!
    # No "Terminated" job reports when cluster_stop kills it; bash still
    # reaps it.
    disown "$pid" 2>/dev/null
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
        printf -- '--- last lines of %s:\n' "$f" >&2
        tail -n 15 "$f" >&2
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
    local dir t0 deadline port fsid osd_uuid osd_id f tries health=
    local timeout=${CLUSTER_START_TIMEOUT:-60}
    for f in ceph ceph-mon ceph-mgr ceph-osd ceph-authtool monmaptool rbd \
            uuidgen timeout ss awk; do
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

    mkdir -p "$dir/log" "$dir/run" "$dir/crash" "$dir/tmp" "$dir/mon" \
        "$dir/mgr/ceph-x" "$dir/osd/ceph-0" || { _cluster_err "cannot create directories in $dir"; return 1; }
    : >"$dir/cluster.log" || return 1
    _cluster_log "$dir" "cluster_start $dir"

    free_port port || return 1
    fsid=$(uuidgen) && osd_uuid=$(uuidgen) || { _cluster_err "uuidgen failed"; return 1; }

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
mgr initial modules =

[mgr]
mgr data = $dir/mgr/\$cluster-\$id
keyring = \$mgr_data/keyring
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
public addr = 127.0.0.1
mgr disabled modules = alerts balancer cephadm crash dashboard devicehealth diskprediction_local influx insights iostat k8sevents localpool mirroring nfs orchestrator osd_perf_query osd_support pg_autoscaler prometheus restful rook selftest snap_schedule stats telegraf telemetry test_orchestrator volumes zabbix

[osd]
osd data = $dir/osd/\$cluster-\$id
keyring = \$osd_data/keyring
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
public addr = 127.0.0.1
cluster addr = 127.0.0.1
osd objectstore = memstore
memstore device bytes = 8589934592
osd class load list = *
osd class default list = *
EOF

    # ---- keyrings and monmap
    local mk=$dir/tmp/mon.keyring
    _cluster_run "$dir" 30 ceph-authtool --create-keyring "$mk" --gen-key -n mon. \
            --cap mon 'allow *' &&
    _cluster_run "$dir" 30 ceph-authtool --create-keyring "$dir/ceph.client.admin.keyring" \
            --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
            --cap mds 'allow *' --cap mgr 'allow *' &&
    _cluster_run "$dir" 30 ceph-authtool --create-keyring "$dir/mgr/ceph-x/keyring" \
            --gen-key -n mgr.x --cap mon 'allow profile mgr' --cap osd 'allow *' \
            --cap mds 'allow *' &&
    _cluster_run "$dir" 30 ceph-authtool --create-keyring "$dir/osd/ceph-0/keyring" \
            --gen-key -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' \
            --cap osd 'allow *' &&
    # The mon imports every key of its mkfs keyring into its auth database.
    _cluster_run "$dir" 30 ceph-authtool "$mk" --import-keyring "$dir/ceph.client.admin.keyring" &&
    _cluster_run "$dir" 30 ceph-authtool "$mk" --import-keyring "$dir/mgr/ceph-x/keyring" &&
    _cluster_run "$dir" 30 ceph-authtool "$mk" --import-keyring "$dir/osd/ceph-0/keyring" &&
    _cluster_run "$dir" 30 monmaptool --create --fsid "$fsid" \
            --addv a "[v2:127.0.0.1:$port]" --enable-all-features \
            --set-min-mon-release pacific "$dir/tmp/monmap" ||
        { _cluster_fail "$dir" "cannot create keyrings/monmap"; return 1; }

    # ---- mon
    _cluster_run "$dir" 60 ceph-mon -c "$dir/ceph.conf" -i a --mkfs \
            --monmap "$dir/tmp/monmap" --keyring "$mk" ||
        { _cluster_fail "$dir" "ceph-mon --mkfs failed"; return 1; }
    _cluster_spawn "$dir" mon.a ceph-mon -f -c "$dir/ceph.conf" -i a

    # ---- mgr (needs nothing but the mon; starts in the background)
    _cluster_spawn "$dir" mgr.x ceph-mgr -f -c "$dir/ceph.conf" -i x

    # ---- osd: allocate id 0 (waits for the mon to answer), mkfs, start
    osd_id=$(timeout -k 5 30 ceph -c "$dir/ceph.conf" --connect-timeout 30 \
                osd new "$osd_uuid" 2>>"$dir/cluster.log" </dev/null)
    _cluster_log "$dir" "+ ceph osd new $osd_uuid -> '$osd_id'"
    if [ "$osd_id" != 0 ]; then
        _cluster_fail "$dir" "'ceph osd new' failed (mon not answering on 127.0.0.1:$port?)"
        return 1
    fi
    _cluster_run "$dir" 60 ceph-osd -c "$dir/ceph.conf" -i 0 --mkfs --osd-uuid "$osd_uuid" ||
        { _cluster_fail "$dir" "ceph-osd --mkfs failed"; return 1; }
    _cluster_spawn "$dir" osd.0 ceph-osd -f -c "$dir/ceph.conf" -i 0

    # ---- pool
    _cluster_ceph "$dir" 30 osd pool create rbd 8 8 ||
        { _cluster_fail "$dir" "cannot create pool rbd"; return 1; }
    # rbd pool init also enables the 'rbd' application on the pool; it
    # returns once the pool's PGs are active.
    _cluster_run "$dir" 45 rbd -c "$dir/ceph.conf" pool init rbd ||
        { _cluster_fail "$dir" "'rbd pool init rbd' failed"; return 1; }

    # ---- wait for HEALTH_OK
    while :; do
        _cluster_check_daemons "$dir" ||
            { _cluster_fail "$dir" "a daemon died while waiting for HEALTH_OK"; return 1; }
        health=$(timeout -k 2 10 ceph -c "$dir/ceph.conf" --connect-timeout 10 \
                    health 2>&1 </dev/null)
        case $health in HEALTH_OK*) break ;; esac
        if [ "$(date +%s)" -ge "$deadline" ]; then
            _cluster_log "$dir" "last health: $health"
            _cluster_ceph "$dir" 10 health detail
            _cluster_ceph "$dir" 10 -s
            _cluster_fail "$dir" "no HEALTH_OK after ${timeout}s; last: $health"
            return 1
        fi
        sleep 0.3
    done
    _cluster_log "$dir" "HEALTH_OK after $(_cluster_elapsed "$t0") s"

    # ---- the pool is usable (object classes loaded, cephx ok)
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

cluster_stop() {
    if [ $# -ne 1 ]; then
        _cluster_err "usage: cluster_stop DIR"
        return 2
    fi
    local dir pid name left tries grace=${CLUSTER_STOP_GRACE:-5}
    dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0    # nothing there
    [ -s "$dir/daemons.pids" ] || return 0
    local -a pids=()
    while read -r pid name; do
        _cluster_alive "$dir" "$pid" && pids+=("$pid")
    done <"$dir/daemons.pids"
    [ "${#pids[@]}" -gt 0 ] || return 0
    _cluster_log "$dir" "cluster_stop: TERM ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null
    tries=$(( grace * 10 ))
    while :; do
        left=()
        for pid in "${pids[@]}"; do
            _cluster_alive "$dir" "$pid" && left+=("$pid")
        done
        [ "${#left[@]}" -eq 0 ] && break
        tries=$(( tries - 1 ))
        if [ "$tries" -le 0 ]; then
            _cluster_log "$dir" "cluster_stop: KILL ${left[*]}"
            kill -KILL "${left[@]}" 2>/dev/null
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
                    _cluster_err "could not stop pid $pid"
                    return 1
                fi
            done
            break
        fi
        sleep 0.1
    done
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
    name=${2#client.}
    shift 2
    [ $# -gt 0 ] || set -- mon 'profile rbd' osd 'profile rbd' mgr 'profile rbd'
    kr=$dir/ceph.client.$name.keyring
    if ! _cluster_ceph "$dir" 30 auth get-or-create "client.$name" "$@" -o "$kr"; then
        _cluster_err "ceph auth get-or-create client.$name failed; see $dir/cluster.log"
        tail -n 5 "$dir/cluster.log" >&2
        return 1
    fi
}
