/* SPDX-License-Identifier: Apache-2.0 */
/* conns.h - where a worker's requests come from: new connections on the
 * listening socket, and the FastCGI connections nginx keeps open between
 * requests (fastcgi_keep_conn). All are in one epoll set, one-shot: each
 * idle thread of the worker waits in it at once, and an event wakes one
 * thread, which serves the request itself (no hand-off); an idle kept
 * connection holds no thread. */
#ifndef RBD_REST_API_CONNS_H
#define RBD_REST_API_CONNS_H

#include <stdbool.h>
#include <stdint.h>

struct conns {
	int listen_fd;      /* shared with the other workers; non-blocking */
	int epfd;
	int stop_fd;        /* an eventfd: each write wakes one waiting thread */
	const char *peers;  /* FCGI_WEB_SERVER_ADDRS, or NULL: who may connect over IPv4 */
};

/* What conns_wait reports besides a kept connection's own tag. */
#define CONNS_TAG_STOP UINT64_MAX
#define CONNS_TAG_LISTEN (UINT64_MAX - 1)

/* Makes the epoll set with the listening socket (made non-blocking:
 * another worker may take a connection first) and the stop eventfd.
 * Returns 0 or a negative errno. */
int conns_init(struct conns *c, int listen_fd);
void conns_destroy(struct conns *c);

/* Wakes one thread waiting in conns_wait (it reports CONNS_TAG_STOP). */
void conns_stop(struct conns *c);

/* Waits up to timeout_ms (-1: no limit), awake for a moment first (see
 * SPIN_ROUNDS in conns.c). Returns 1 with *tag (a kept connection's,
 * CONNS_TAG_LISTEN or CONNS_TAG_STOP; *hup when a kept connection's peer
 * closed or shut down its side), 0 on a timeout or an interruption, or a
 * negative errno. */
int conns_wait(struct conns *c, int timeout_ms, uint64_t *tag, bool *hup);

/* After CONNS_TAG_LISTEN: accepts a connection (1, *fd), 0 when there
 * was none left (another worker took it) or the peer may not connect,
 * or a negative errno when accept failed for good. */
int conns_accept(struct conns *c, int *fd);

/* Re-arms the listening socket after CONNS_TAG_LISTEN (on), or takes it
 * out of the set for good (off: the worker stops). */
int conns_listen(struct conns *c, bool on);

/* Watches a kept connection for its next request (add: first time). */
int conns_watch(struct conns *c, int fd, uint64_t tag, bool add);

/* True when the peer closed fd with nothing left to read. */
bool conns_peer_closed(int fd);

#endif
