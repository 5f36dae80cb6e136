# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# t/lib/stack.sh - the whole stack for tests and for trying the API:
# a single-node Ceph cluster, rbd-rest-api, and nginx (TLS, basic auth)
# using the project's own nginx configuration.
#
#   stack_start DIR   start everything under DIR (an empty directory);
#                     writes DIR/env with the export lines a client needs:
#                     RBD_API_URL, RBD_API_USER, RBD_API_PASSWORD,
#                     RBD_API_CACERT, CEPH_CONF, RBD_STACK_DIR, and the
#                     policy's narrower users: RBD_API_VIEWER (role viewer),
#                     RBD_API_TENANT (operator in RBD_API_TENANT_SCOPE)
#   stack_stop DIR    stop what stack_start started there (idempotent),
#                     with the second site of DIR/peer if one runs
#   stack_start_peer, stack_stop_peer: the second site (stack_peer.sh)
#
# RBD_STACK_REPLICAS=N (default 1) starts N daemons (DIR/daemon,
# DIR/daemon2, ...) behind one nginx upstream taking turns; DIR/env then
# also says RBD_STACK_SOCKETS (their sockets, the first one first).

_STACK_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$_STACK_SH_DIR/cluster.sh"
. "$_STACK_SH_DIR/daemon.sh"
. "$_STACK_SH_DIR/nginx.sh"
. "$_STACK_SH_DIR/stack_peer.sh"

stack_start() {
	local dir i https_port http_port first_socket others options
	dir=$(cd "$1" && pwd) || return 1
	chmod 755 "$dir"
	mkdir -p "$dir/cluster" "$dir/daemon"
	cluster_start "$dir/cluster" || return 1
	# The policy (docs/operations.md, "Authorization"): admin and the
	# FastCGI tests' "tester" may do everything, viewer only read, team-a
	# operate in its namespace.
	timeout 45 rbd -c "$dir/cluster/ceph.conf" namespace create rbd/team-a || return 1
	{
		echo "# written by t/lib/stack.sh"
		echo "grant admin admin *"
		echo "grant tester admin *"
		echo "grant viewer viewer *"
		echo "grant team-a operator rbd/team-a"
		echo "grant robot-1 viewer *    # the client certificate's CN"
	} >"$dir/daemon/policy.conf"
	# What every daemon of the stack is given, the first and each replica
	# alike (a load balancer must not change the answer): snapshot
	# schedules of seconds for t/89; that test runs the schedulers itself
	# (two replicas, killed and restarted), so the stack's daemons run
	# none that would compete for the lease. Imports from a URL
	# (t/54-import-url.t) fetch from a server the test runs on 127.0.0.1.
	options=(snapshot_scheduler=false schedule_min_interval=1
		"import_url_allow=http://127.0.0.1:*/*" "${STACK_DAEMON_OPTIONS[@]}")
	daemon_start "$dir/daemon" "$dir/cluster/ceph.conf" "policy=$dir/daemon/policy.conf" \
		"${options[@]}" || return 1
	first_socket=$DAEMON_SOCKET
	# RBD_STACK_REPLICAS=N: N daemons on the one cluster, each as a host
	# of its own would run it (own config, socket, workers, scoreboard),
	# behind one nginx upstream taking turns.
	others=""
	for ((i = 2; i <= ${RBD_STACK_REPLICAS:-1}; i++)); do
		mkdir -p "$dir/daemon$i" && cp "$dir/daemon/policy.conf" "$dir/daemon$i/" || return 1
		daemon_start "$dir/daemon$i" "$dir/cluster/ceph.conf" \
			"policy=$dir/daemon$i/policy.conf" "${options[@]}" || return 1
		others+="${others:+ }$DAEMON_SOCKET"
	done
	https_port=$(free_port) && http_port=$(free_port) || return 1
	NGINX_UPSTREAM_SOCKETS=$others nginx_start "$dir" "$first_socket" "$https_port" \
		"$http_port" || return 1
	{
		echo "export RBD_API_URL=$NGINX_URL"
		echo "export RBD_API_HTTP_URL=$NGINX_HTTP_URL"
		echo "export RBD_API_USER=$API_USER"
		echo "export RBD_API_PASSWORD=$API_PASSWORD"
		echo "export RBD_API_CACERT=$API_CACERT"
		echo "export CEPH_CONF=$dir/cluster/ceph.conf"
		echo "export RBD_STACK_DIR=$dir"
		echo "export RBD_API_VIEWER=viewer:$API_VIEWER_PASSWORD"
		echo "export RBD_API_TENANT=team-a:$API_TENANT_PASSWORD"
		echo "export RBD_API_TENANT_SCOPE=rbd/team-a"
		echo "export RBD_API_CLIENT_CERT=$API_CLIENT_CERT RBD_API_CLIENT_KEY=$API_CLIENT_KEY"
		echo "export RBD_STACK_REPLICAS=${RBD_STACK_REPLICAS:-1}"
		echo "export RBD_STACK_SOCKETS=\"$first_socket${others:+ }$others\""
	} >"$dir/env"
	# Ready means a worker answers health through nginx.
	for ((i = 0; i < 100; i++)); do
		if curl -sf --cacert "$API_CACERT" -u "$API_USER:$API_PASSWORD" \
			"$NGINX_URL/api/v1/health" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	echo "stack.sh: /api/v1/health did not answer 200 within 20 s; daemon log:" >&2
	tail -n 20 "$dir/daemon/daemon.log" >&2
	return 1
}

stack_stop() {
	local dir=$1 d
	[ -d "$dir" ] || return 0
	stack_stop_peer "$dir/peer"
	nginx_stop "$dir"
	for d in "$dir"/daemon[0-9]*; do
		[ -d "$d" ] && daemon_stop "$d"
	done
	daemon_stop "$dir/daemon"
	cluster_stop "$dir/cluster"
}
