/* conns.c - new and kept FastCGI connections of a worker (see conns.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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
	if (c->stop_fd < 0) {
		int r = -errno;

		close(c->epfd);
		c->epfd = -1;
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

static int accept_new(struct conns *c, int *fd)
{
	int s = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (s < 0) {
		/* Taken by another worker, or gone before we got to it. */
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED || errno == EPROTO)
			return CONNS_NOTHING;
		return -errno;
	}
	if (!peer_allowed(c, s)) {
		close(s);
		return CONNS_NOTHING;
	}
	*fd = s;
	return CONNS_NEW;
}

int conns_wait(struct conns *c, bool take_new, int timeout_ms, int *fd, void **kept, bool *hup)
{
	/* The stop eventfd stays readable: watched only while taking new
	 * connections, which a stop ends. */
	struct pollfd p[3] = {
		{.fd = c->epfd, .events = POLLIN},
		{.fd = take_new ? c->stop_fd : -1, .events = POLLIN},
		{.fd = take_new ? c->listen_fd : -1, .events = POLLIN},
	};
	struct epoll_event ev;

	*fd = -1;
	*kept = NULL;
	*hup = false;
	if (poll(p, 3, timeout_ms) < 0)
		return errno == EINTR ? CONNS_NOTHING : -errno;
	/* Kept connections first: their requests are already on their way. */
	if (p[0].revents && epoll_wait(c->epfd, &ev, 1, 0) == 1) {
		*kept = ev.data.ptr;
		*hup = ev.events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
		return CONNS_KEPT;
	}
	if (p[1].revents || !p[2].revents)
		return CONNS_NOTHING;
	return accept_new(c, fd);
}

int conns_watch(struct conns *c, int fd, void *kept, bool add)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = kept};

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
