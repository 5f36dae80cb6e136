# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/stack_peer.sh - a second site for the mirroring tests: another
# single-node cluster with its own rbd-rest-api and nginx, and an
# rbd-mirror daemon on each of the two clusters (RBD mirroring needs one
# on every site that receives images). Sourced by stack.sh.
#
#   stack_start_peer PEER_DIR MAIN_DIR
#       MAIN_DIR holds a running stack (stack_start). Starts, under
#       PEER_DIR (an empty directory): a cluster with a small memstore
#       (STACK_PEER_MEMSTORE_BYTES, default 1 GiB), its rbd-rest-api and an
#       nginx that take the main stack's users, passwords and certificate
#       (so one RBD_API_CACERT and one password serve both sites), and
#       rbd-mirror on both clusters, polling every few seconds instead of
#       every 30 so a test sees replication within seconds. Writes
#       PEER_DIR/env: RBD_API_PEER_URL, CEPH_CONF_PEER, RBD_STACK_PEER_DIR.
#   stack_stop_peer PEER_DIR
#       Stops what stack_start_peer started (idempotent).

# _stack_peer_mirror PEER_DIR CEPH_CONF NAME : starts rbd-mirror as
# client.admin on the cluster of CEPH_CONF, logging to PEER_DIR/NAME.log;
# records "PID CEPH_CONF" in PEER_DIR/mirror.pids.
_stack_peer_mirror() {
	local dir=$1 conf=$2 name=$3 pid
	# CEPH_CONF too: rbd-mirror builds its own cluster contexts from the
	# default search path (which honours CEPH_CONF, not -c), so a
	# CEPH_CONF naming the other site would make both daemons local there.
	CEPH_CONF=$conf rbd-mirror -f -c "$conf" --id admin \
		--log-file "$dir/$name.log" --admin-socket "$dir/$name.asok" \
		--rbd-mirror-pool-replayers-refresh-interval 2 \
		--rbd-mirror-image-state-check-interval 2 \
		--rbd-mirror-delete-retry-interval 2 \
		--rbd-mirror-journal-poll-age 1 \
		</dev/null >>"$dir/$name.out" 2>&1 &
	pid=$!
	disown "$pid" 2>/dev/null || true
	printf '%s %s\n' "$pid" "$conf" >>"$dir/mirror.pids"
}

stack_start_peer() {
	local peer main https_port http_port i
	peer=$(cd "$1" && pwd) || return 1
	main=$(cd "$2" && pwd) || return 1
	command -v rbd-mirror >/dev/null 2>&1 ||
		{ echo "stack_peer.sh: rbd-mirror is not installed (t/install-deps installs it)" >&2; return 1; }
	[ -f "$main/nginx/htpasswd" ] ||
		{ echo "stack_peer.sh: no stack running in $main" >&2; return 1; }
	chmod 755 "$peer"
	mkdir -p "$peer/cluster" "$peer/daemon"
	# A subshell: cluster_start, daemon_start and nginx_start set globals
	# (CEPH_CONF, DAEMON_SOCKET, NGINX_URL, ...) the main stack's caller
	# still needs.
	(
		CLUSTER_MEMSTORE_BYTES=${STACK_PEER_MEMSTORE_BYTES:-1073741824} \
			cluster_start "$peer/cluster" || exit 1
		# Namespaces are mirrored by name: the peer needs the main
		# site's namespace (stack.sh) or rbd-mirror fails on it.
		timeout 45 rbd -c "$peer/cluster/ceph.conf" namespace create rbd/team-a || exit 1
		cp "$main/daemon/policy.conf" "$peer/daemon/policy.conf" || exit 1
		daemon_start "$peer/daemon" "$peer/cluster/ceph.conf" \
			"policy=$peer/daemon/policy.conf" "${STACK_DAEMON_OPTIONS[@]}" || exit 1
		https_port=$(free_port) && http_port=$(free_port) || exit 1
		nginx_start "$peer" "$DAEMON_SOCKET" "$https_port" "$http_port" || exit 1
		# The same users and certificate as the main site: nginx reads
		# htpasswd at every request, the certificate at the reload.
		cp "$main/nginx/htpasswd" "$peer/nginx/htpasswd" &&
			cp "$main/nginx/server.crt" "$peer/nginx/server.crt" &&
			cp "$main/nginx/server.key" "$peer/nginx/server.key" &&
			cp "$main/nginx/ca.crt" "$peer/nginx/ca.crt" || exit 1
		nginx_reload "$peer" || exit 1
		echo "export RBD_API_PEER_URL=$NGINX_URL" >"$peer/env"
		echo "export CEPH_CONF_PEER=$peer/cluster/ceph.conf" >>"$peer/env"
		echo "export RBD_STACK_PEER_DIR=$peer" >>"$peer/env"
	) || return 1
	_stack_peer_mirror "$peer" "$main/cluster/ceph.conf" rbd-mirror-main
	_stack_peer_mirror "$peer" "$peer/cluster/ceph.conf" rbd-mirror-peer
	. "$main/env"
	. "$peer/env"
	# Ready when the peer's API answers with the main site's credentials
	# and certificate.
	for ((i = 0; i < 100; i++)); do
		if curl -sf --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" \
			"$RBD_API_PEER_URL/api/v1/health" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	echo "stack_peer.sh: the peer's /api/v1/health did not answer 200 within 20 s" >&2
	return 1
}

stack_stop_peer() {
	local peer=$1 pid conf i
	[ -d "$peer" ] || return 0
	if [ -f "$peer/mirror.pids" ]; then
		while read -r pid conf; do
			# Only our rbd-mirror (its command line names the config).
			grep -qF "$conf" "/proc/$pid/cmdline" 2>/dev/null || continue
			kill -TERM "$pid" 2>/dev/null || true
			for ((i = 0; i < 50; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			! grep -qF "$conf" "/proc/$pid/cmdline" 2>/dev/null ||
				kill -KILL "$pid" 2>/dev/null || true
		done <"$peer/mirror.pids"
		rm -f "$peer/mirror.pids"
	fi
	nginx_stop "$peer"
	daemon_stop "$peer/daemon"
	cluster_stop "$peer/cluster"
}

# stack_peer_restart_mirrors PEER_DIR : restarts both rbd-mirror daemons.
# rbd-mirror 16.2 can see a peer that a bootstrap import on the other site
# is still making (the peer before its key) and then never retries it
# ("unable to connect to remote cluster"); a test calls this after setting
# up its peers, as an operator would restart a daemon in that state.
stack_peer_restart_mirrors() {
	local peer=$1 pid conf i
	[ -f "$peer/mirror.pids" ] || return 1
	mv "$peer/mirror.pids" "$peer/mirror.pids.old"
	while read -r pid conf; do
		if grep -qF "$conf" "/proc/$pid/cmdline" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			for ((i = 0; i < 50; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
		case $conf in
			"$peer"/*) _stack_peer_mirror "$peer" "$conf" rbd-mirror-peer ;;
			*) _stack_peer_mirror "$peer" "$conf" rbd-mirror-main ;;
		esac
	done <"$peer/mirror.pids.old"
	rm -f "$peer/mirror.pids.old"
}
