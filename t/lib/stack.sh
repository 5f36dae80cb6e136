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

_STACK_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$_STACK_SH_DIR/cluster.sh"
. "$_STACK_SH_DIR/daemon.sh"
. "$_STACK_SH_DIR/nginx.sh"
. "$_STACK_SH_DIR/stack_peer.sh"

stack_start() {
	local dir i https_port http_port
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
	# Snapshot schedules of seconds for t/89; that test runs the
	# schedulers itself (two replicas, killed and restarted), so this
	# daemon runs none that would compete for the lease.
	daemon_start "$dir/daemon" "$dir/cluster/ceph.conf" "policy=$dir/daemon/policy.conf" \
		snapshot_scheduler=false schedule_min_interval=1 \
		"${STACK_DAEMON_OPTIONS[@]}" || return 1
	https_port=$(free_port) && http_port=$(free_port) || return 1
	nginx_start "$dir" "$DAEMON_SOCKET" "$https_port" "$http_port" || return 1
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
	local dir=$1
	[ -d "$dir" ] || return 0
	stack_stop_peer "$dir/peer"
	nginx_stop "$dir"
	daemon_stop "$dir/daemon"
	cluster_stop "$dir/cluster"
}
