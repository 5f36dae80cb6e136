/* SPDX-License-Identifier: Apache-2.0 */
/* listen.c - opening the shared listening socket (see listen.h). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf.h"
#include "listen.h"

#define SD_LISTEN_FDS_START 3

/* systemd passes sockets from fd 3 on, for the pid it names. */
static int take_activated_socket(void)
{
	const char *pid = getenv("LISTEN_PID");
	const char *fds = getenv("LISTEN_FDS");

	if (!pid || !fds || atol(pid) != (long)getpid() || atoi(fds) < 1)
		return -ENOENT;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return SD_LISTEN_FDS_START;
}

static int open_unix(struct listener *l, const struct conf *conf, char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	const char *path = conf->listen;
	struct stat st;
	int fd, r;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "listen path %s is longer than %zu bytes", path,
			 sizeof(addr.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	/* A stale socket from a crashed run is removed; a live one means
	 * another instance is serving it, which we must not steal. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "listen path %s exists and is not a socket", path);
			r = -EEXIST;
			goto fail;
		}
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			snprintf(err, errlen, "another process is already listening on %s", path);
			r = -EADDRINUSE;
			goto fail;
		}
		close(fd);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			r = -errno;
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return r;
		}
		unlink(path);
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot bind %s: %s", path, strerror(errno));
		goto fail;
	}
	l->unix_path = strdup(path);
	if (!l->unix_path) {
		r = -ENOMEM;
		goto fail_unlink;
	}
	if (conf->socket_group[0]) {
		struct group *gr = getgrnam(conf->socket_group);

		if (!gr || chown(path, (uid_t)-1, gr->gr_gid) < 0) {
			r = gr ? -errno : -ENOENT;
			snprintf(err, errlen, "cannot give %s to group %s: %s", path,
				 conf->socket_group, gr ? strerror(errno) : "no such group");
			goto fail_unlink;
		}
	}
	if (chmod(path, (mode_t)conf->socket_mode) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot chmod %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	l->fd = fd;
	return 0;
fail_unlink:
	unlink(path);
	free(l->unix_path);
	l->unix_path = NULL;
fail:
	close(fd);
	return r;
}

static int open_tcp(struct listener *l, const struct conf *conf, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	char host[256];
	const char *colon = strrchr(conf->listen, ':');
	const char *port = colon + 1;
	size_t hostlen = (size_t)(colon - conf->listen);
	int one = 1, fd = -1, r;

	if (hostlen >= sizeof(host) || !*port) {
		snprintf(err, errlen, "listen %s is neither a socket path nor host:port", conf->listen);
		return -EINVAL;
	}
	memcpy(host, conf->listen, hostlen);
	host[hostlen] = '\0';
	/* "[::1]:9000" */
	if (host[0] == '[' && hostlen > 2 && host[hostlen - 1] == ']') {
		memmove(host, host + 1, hostlen - 2);
		host[hostlen - 2] = '\0';
	}
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (r != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", conf->listen, gai_strerror(r));
		return -EINVAL;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot bind %s: %s", conf->listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	l->fd = fd;
	r = 0;
out:
	freeaddrinfo(res);
	return r;
}

/* Whoever can connect to the socket can name any REMOTE_USER: a TCP
 * socket other hosts can reach is refused unless the operator says so, and
 * then only with FCGI_WEB_SERVER_ADDRS, which libfcgi checks on every
 * accept - for IPv4 peers only, hence no remote IPv6. */
static int check_exposure(int fd, const struct conf *conf, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int loopback;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		return -errno;
	}
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	} else {
		return 0;
	}
	if (loopback)
		return 0;
	if (!conf->listen_remote) {
		snprintf(err, errlen,
			 "listen %s can be reached from other hosts, and anyone who connects can act as any user; "
			 "use a unix socket or 127.0.0.1:PORT, or set listen_remote = true and FCGI_WEB_SERVER_ADDRS",
			 conf->listen);
		return -EPERM;
	}
	if (ss.ss_family != AF_INET) {
		snprintf(err, errlen,
			 "listen %s is IPv6, and FCGI_WEB_SERVER_ADDRS only filters IPv4 peers; listen on an IPv4 address",
			 conf->listen);
		return -EPERM;
	}
	if (!getenv("FCGI_WEB_SERVER_ADDRS") || !*getenv("FCGI_WEB_SERVER_ADDRS")) {
		snprintf(err, errlen,
			 "listen_remote = true needs FCGI_WEB_SERVER_ADDRS in the environment: the addresses of the nginx hosts, comma-separated");
		return -EPERM;
	}
	return 0;
}

int listener_open(struct listener *l, const struct conf *conf, char *err, size_t errlen)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->fd = take_activated_socket();
	if (l->fd >= 0) {
		l->activated = true;
		r = check_exposure(l->fd, conf, err, errlen);
		if (r < 0)
			l->fd = -1;
		return r;
	}
	if (strchr(conf->listen, '/'))
		r = open_unix(l, conf, err, errlen);
	else if (strchr(conf->listen, ':'))
		r = open_tcp(l, conf, err, errlen);
	else {
		snprintf(err, errlen, "listen %s is neither a socket path nor host:port", conf->listen);
		r = -EINVAL;
	}
	if (r < 0)
		return r;
	r = check_exposure(l->fd, conf, err, errlen);
	if (r < 0) {
		listener_close(l);
		return r;
	}
	if (listen(l->fd, SOMAXCONN) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", conf->listen, strerror(errno));
		listener_close(l);
		return r;
	}
	return 0;
}

void listener_close(struct listener *l)
{
	if (l->fd >= 0 && !l->activated)
		close(l->fd);
	if (l->unix_path) {
		unlink(l->unix_path);
		free(l->unix_path);
	}
	l->fd = -1;
	l->unix_path = NULL;
}
