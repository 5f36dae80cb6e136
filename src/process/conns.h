/* conns.h - where a worker's requests come from: new connections on the
 * listening socket, and the FastCGI connections nginx keeps open between
 * requests (fastcgi_keep_conn), watched in an epoll set so that an idle
 * kept connection holds no thread. One thread at a time waits here (the
 * worker's accept_lock); it serves what it gets, and the next waits. */
#ifndef RBD_REST_API_CONNS_H
#define RBD_REST_API_CONNS_H

#include <stdbool.h>
#include <stdint.h>

struct conns {
	int listen_fd;      /* shared with the other workers; non-blocking */
	int epfd;           /* the kept connections, one-shot: a ready one is off until rearmed */
	int stop_fd;        /* an eventfd, readable once the worker stops */
	const char *peers;  /* FCGI_WEB_SERVER_ADDRS, or NULL: who may connect over IPv4 */
};

enum conns_got { CONNS_NOTHING, CONNS_NEW, CONNS_KEPT };

/* Makes the epoll set and the stop eventfd, and the listening socket
 * non-blocking (another worker may take a connection between poll and
 * accept). Returns 0 or a negative errno. */
int conns_init(struct conns *c, int listen_fd);
void conns_destroy(struct conns *c);

/* Wakes a thread waiting in conns_wait for new connections; for good. */
void conns_stop(struct conns *c);

/* Waits up to timeout_ms (-1: no limit) for a kept connection with
 * something to read (CONNS_KEPT, *kept its pointer, *hup when the peer
 * has closed or shut down its side) or, when take_new, a new connection
 * (CONNS_NEW, *fd). CONNS_NOTHING on a timeout, a stop, a connection
 * another worker took first or a peer that may not connect; a negative
 * errno when accept failed for good. */
int conns_wait(struct conns *c, bool take_new, int timeout_ms, int *fd, void **kept, bool *hup);

/* Watches fd for its next request (add: first time), one-shot. */
int conns_watch(struct conns *c, int fd, void *kept, bool add);

/* True when the peer closed fd with nothing left to read. */
bool conns_peer_closed(int fd);

#endif
