# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/daemon.sh - start and stop rbd-rest-api for tests.
#
#   daemon_start DIR CEPH_CONF [KEY=VALUE...]
#       Writes DIR/rbd-rest-api.conf (socket DIR/run/rbd-rest-api.sock,
#       the daemon's default workers and threads,
#       group www-data so the harness's nginx can connect, the cluster's
#       ceph.conf, pool deletion allowed), appends any KEY=VALUE given, and
#       starts the daemon ($RBD_REST_API_BIN, else src/rbd-rest-api) in the
#       background with its log in DIR/daemon.log. Waits until the socket
#       accepts connections. Sets DAEMON_PID and DAEMON_SOCKET.
#   daemon_stop DIR
#       SIGTERM (graceful), then SIGKILL after 20 s. Idempotent.

_DAEMON_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

daemon_bin() {
	if [ -n "${RBD_REST_API_BIN:-}" ]; then
		printf '%s\n' "$RBD_REST_API_BIN"
	else
		printf '%s\n' "$_DAEMON_SH_DIR/../../src/rbd-rest-api"
	fi
}

daemon_start() {
	local dir=$1 ceph_conf=$2 bin i kv
	shift 2
	bin=$(daemon_bin)
	if [ ! -x "$bin" ]; then
		echo "daemon.sh: $bin is not built (run make)" >&2
		return 1
	fi
	mkdir -p "$dir/run"
	chmod 755 "$dir" "$dir/run"
	DAEMON_SOCKET=$dir/run/rbd-rest-api.sock
	{
		echo "# written by t/lib/daemon.sh"
		echo "listen = $DAEMON_SOCKET"
		echo "socket_mode = 0660"
		echo "socket_group = www-data"
		echo "ceph_conf = $ceph_conf"
		echo "ceph_id = admin"
		echo "rados_timeout = 10"
		echo "shutdown_timeout = 10"
		echo "allow_pool_delete = true"
		# The harness runs as root (CI does); production never should.
		echo "allow_root = true"
		echo "log_level = info"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$dir/rbd-rest-api.conf"
	"$bin" -c "$dir/rbd-rest-api.conf" </dev/null >>"$dir/daemon.log" 2>&1 &
	DAEMON_PID=$!
	disown "$DAEMON_PID" 2>/dev/null
	echo "$DAEMON_PID" >"$dir/daemon.pid"
	for ((i = 0; i < 100; i++)); do
		if [ -S "$DAEMON_SOCKET" ]; then
			return 0
		fi
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			echo "daemon.sh: rbd-rest-api exited at start; its log:" >&2
			tail -n 20 "$dir/daemon.log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "daemon.sh: no socket at $DAEMON_SOCKET after 10 s" >&2
	return 1
}

daemon_stop() {
	local dir=$1 pid i
	[ -f "$dir/daemon.pid" ] || return 0
	pid=$(cat "$dir/daemon.pid")
	if kill -TERM "$pid" 2>/dev/null; then
		for ((i = 0; i < 200; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		# Still there after 20 s: kill it. Gone already is fine (under
		# set -e, a failed kill would end the caller, e.g. t/stack stop).
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$dir/daemon.pid"
	return 0
}
