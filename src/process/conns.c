/* SPDX-License-Identifier: Apache-2.0 */
/* conns.c - new and kept FastCGI connections of a worker (see conns.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conns.h"

int conns_init(struct conns *c, int listen_fd)
{
	int flags = fcntl(listen_fd, F_GETFL);
	const char *peers = getenv("FCGI_WEB_SERVER_ADDRS");
	struct epoll_event stop = {.events = EPOLLIN | EPOLLET, .data.u64 = CONNS_TAG_STOP};
	struct epoll_event listen = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = CONNS_TAG_LISTEN};
	int r;

	c->listen_fd = listen_fd;
	c->peers = peers && *peers ? peers : NULL;
	c->epfd = -1;
	c->stop_fd = -1;
	if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0)
		return -errno;
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* The stop edge-triggered: it stays readable, and must not wake
	 * every waiting thread on every wait once the worker stops. */
	if (c->stop_fd < 0 || epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->stop_fd, &stop) < 0 ||
	    epoll_ctl(c->epfd, EPOLL_CTL_ADD, listen_fd, &listen) < 0) {
		r = -errno;
		conns_destroy(c);
		return r;
	}
	return 0;
}

void conns_destroy(struct conns *c)
{
	if (c->epfd >= 0)
		close(c->epfd);
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	c->epfd = c->stop_fd = -1;
}

void conns_stop(struct conns *c)
{
	uint64_t one = 1;

	/* Only ever made readable: a failed write means it already is. */
	if (write(c->stop_fd, &one, sizeof(one)) < 0)
		return;
}

/* libfcgi's own accept checked FCGI_WEB_SERVER_ADDRS (IPv4 peers, a
 * comma-separated list of exact addresses); this accept keeps that
 * rule. Other families (unix sockets) are not filtered. */
static bool peer_allowed(const struct conns *c, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char addr[INET_ADDRSTRLEN];
	size_t n;

	if (!c->peers)
		return true;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	if (ss.ss_family != AF_INET)
		return true;
	if (!inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr)))
		return false;
	n = strlen(addr);
	for (const char *p = c->peers; *p;) {
		const char *end = strchr(p, ',');
		size_t len_item = end ? (size_t)(end - p) : strlen(p);

		if (len_item == n && strncmp(p, addr, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

int conns_accept(struct conns *c, int *fd)
{
	int s = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	*fd = -1;
	if (s < 0) {
		/* Taken by another worker, or gone before we got to it. */
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED || errno == EPROTO)
			return 0;
		return -errno;
	}
	if (!peer_allowed(c, s)) {
		close(s);
		return 0;
	}
	*fd = s;
	return 1;
}

/* How many times conns_wait looks for a ready event, yielding the CPU in
 * between, before it sleeps. Under load the next request is usually a
 * few microseconds away, and nginx produces it on the CPU the yield
 * gives up: catching it awake saves the sleep and the wake-up, which on
 * this VM cost more than the whole request (health with 8 clients: 21k
 * to 35k/s, 59 to 41 us of CPU per request of nginx and daemon; 5 and
 * 50 rounds did worse than 20: more rounds wake sleeping waiters for
 * events a spinner takes). An idle worker pays it once per timeout. */
#define SPIN_ROUNDS 20

int conns_wait(struct conns *c, int timeout_ms, uint64_t *tag, bool *hup)
{
	struct epoll_event ev;
	int n = 0;

	for (int round = 0; round < SPIN_ROUNDS && n == 0; round++) {
		n = epoll_wait(c->epfd, &ev, 1, 0);
		if (n == 0)
			sched_yield();
	}
	if (n == 0)
		n = epoll_wait(c->epfd, &ev, 1, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	*tag = ev.data.u64;
	*hup = ev.events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
	return 1;
}

int conns_listen(struct conns *c, bool on)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = CONNS_TAG_LISTEN};

	if (on)
		return epoll_ctl(c->epfd, EPOLL_CTL_MOD, c->listen_fd, &ev) < 0 ? -errno : 0;
	if (epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->listen_fd, NULL) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int conns_watch(struct conns *c, int fd, uint64_t tag, bool add)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.u64 = tag};

	if (epoll_ctl(c->epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

bool conns_peer_closed(int fd)
{
	char byte;
	ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}
