/* SPDX-License-Identifier: Apache-2.0 */
/* ceph.h - a worker's one cluster connection and its per-pool io contexts.
 *
 * librados is not fork-safe, so each worker builds its connection after
 * the fork and keeps it for its whole life. A connector thread makes the
 * attempts (with back-off) so a worker whose cluster is down still answers
 * at once: 503 with the reason, never a hang. Once connected, librados
 * itself re-establishes sessions to monitors and OSDs, but not a client
 * the cluster has blocklisted (a broken lock, `ceph osd blocklist add`):
 * every call of that client fails with ESHUTDOWN for good. So the same
 * thread then watches the connection (one cheap OSD read a second), and
 * when the cluster refuses the client, or a request saw it refused
 * (ceph_conn_lost), it drops the client and connects a new one. */
#ifndef RBD_REST_API_CEPH_H
#define RBD_REST_API_CEPH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <rados/librados.h>

#include "scoreboard.h"

/* Room for why the cluster cannot be reached (the connect error and the
 * keyrings tried), as 503 answers and logs give it. */
#define CEPH_WHY_MAX 768

struct conf;

/* LOST: was connected, but the cluster refuses the client; it is dropped
 * (once no request uses it) and a new one connected. */
enum ceph_state { CEPH_CONNECTING, CEPH_CONNECTED, CEPH_FAILED, CEPH_LOST };

struct pool_ioctx {
	char *pool;
	int64_t pool_id;
	rados_ioctx_t ioctx;
};

/* One request thread's io contexts, one per pool. An io context carries
 * its namespace, so threads cannot share one; creating one is local (no
 * round trip), so a cache per thread costs little. Only its thread uses
 * it, except the connector, which empties every cache while no request
 * runs (a lost client's io contexts die with it). */
struct ceph_ioctx_cache {
	struct pool_ioctx *ioctxs;
	size_t nioctxs;
};

struct ceph_conn {
	const struct conf *conf;

	/* Shared with the connector thread, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	enum ceph_state state;
	bool stopping;
	unsigned attempts;
	char why[CEPH_WHY_MAX];   /* why we are not connected, for 503 answers */
	rados_t cluster;          /* valid once state == CEPH_CONNECTED, and while LOST */
	char client[96];          /* "client.N at ADDR" of the connected client */
	char fsid[40];            /* the connected cluster's, "" when unread */
	unsigned busy;            /* request threads in a request */
	pthread_t thread;
	bool thread_started;
	/* Shared memory (NULL outside a worker): the worker's slot, for its
	 * client and connection state, and the counters for metrics. */
	struct scoreboard *board;
	struct worker_score *score;

	/* One per request thread: caches[i] is thread i's. */
	struct ceph_ioctx_cache *caches;
	unsigned ncaches;
};

/* Starts connecting in the background and waits for the first attempt's
 * outcome (bounded by rados_timeout). nthreads io context caches are
 * made, one for each request thread. Returns 0 (even when that attempt
 * failed: the thread keeps trying) or -ENOMEM/-EAGAIN. */
int ceph_conn_start(struct ceph_conn *conn, const struct conf *conf, struct scoreboard *board,
		    struct worker_score *score, unsigned nthreads);

/* Around each request: while any request thread is in one, the connector
 * leaves the client and the io contexts alone. */
void ceph_conn_enter(struct ceph_conn *conn);
void ceph_conn_leave(struct ceph_conn *conn);

/* A request saw the cluster refuse this client (ESHUTDOWN: blocklisted,
 * or its session ended). Marks the connection lost, so the connector
 * replaces the client after the request; what says what was refused.
 * Copies "client.N at ADDR" of the refused client into client. */
void ceph_conn_lost(struct ceph_conn *conn, const char *what, char *client, size_t clientlen);

/* Stops the connector thread, closes io contexts and the connection. */
void ceph_conn_stop(struct ceph_conn *conn);

/* The connected cluster's fsid, read once when connecting: health asks
 * for it on every probe, and librados answers under a lock of its own
 * (contended by every request thread). 0, -ENOTCONN with the reason in
 * why, or -ENODATA when it could not be read. */
int ceph_cluster_fsid(struct ceph_conn *conn, char *fsid, size_t len, char *why, size_t whylen);

/* The connected cluster handle, or -ENOTCONN with the reason in why. */
int ceph_cluster(struct ceph_conn *conn, rados_t *cluster, char *why, size_t whylen);

/* An io context for pool with namespace ns ("" for the default),
 * created once per pool and reused. Returns 0, -ENOENT when the pool does
 * not exist, -ENOTCONN (reason in why), or another negative errno. */
int ceph_ioctx(struct ceph_conn *conn, struct ceph_ioctx_cache *cache, const char *pool,
	       const char *ns, rados_ioctx_t *ioctx, char *why, size_t whylen);

/* Lets ioctx's writes reach the OSDs when the cluster or the pool is
 * flagged full, as `rbd rm` does for its removals. Without it librados
 * holds every write back until the flag clears, and the request times out
 * (504) however small the write, removals included. With it the OSD
 * itself decides: what would free space (removals of images, snapshots,
 * trash entries) goes through, anything that would grow data fails at
 * once with ENOSPC (EDQUOT over a pool quota), which is a 507. Every io
 * context this service makes gets it. */
void ceph_ioctx_full_try(rados_ioctx_t ioctx);

/* One connection attempt with conf's user, keyring and timeouts, for a
 * process that needs no connector thread (the task runner). On success
 * *out is connected and the caller's; on failure why says what went wrong. */
int ceph_connect_once(const struct conf *conf, rados_t *out, char *why, size_t whylen);

/* What librados or librbd writes into a caller's buffer (a NUL-separated
 * list, a value), in a buffer grown until it fits: fn fills buf of *len
 * bytes and sets *len to the length used, or sets *len to the size needed
 * and returns -ERANGE. *out is the caller's. */
typedef int (*ceph_list_fn)(void *handle, char *buf, size_t *len);
int ceph_read_list(ceph_list_fn fn, void *handle, char **out, size_t *outlen);

/* The same for an array of librbd's structs of size bytes each (trash
 * entries, group members, group snapshots): fn fills buf with room for
 * *count of them and sets *count to how many it wrote, or sets *count to
 * the room needed and returns -ERANGE. *out is the caller's. */
typedef int (*ceph_array_fn)(void *handle, void *buf, size_t *count);
int ceph_read_array(ceph_array_fn fn, void *handle, size_t size, void **out, size_t *count);

/* The same for a call that fills several buffers at once (a lock's tag,
 * clients, cookies and addresses; a page of metadata keys and values):
 * fn fills bufs[i] of lens[i] bytes each, or sets every lens[i] to the
 * room needed and returns -ERANGE. lens[i] is the first room to try (at
 * least 1 byte is given). Returns fn's own non-negative result (librbd's
 * count of lockers, say), with every bufs[i] the caller's; on failure
 * none is left allocated. n is at most CEPH_LISTS_MAX. */
#define CEPH_LISTS_MAX 4
typedef int (*ceph_lists_fn)(void *handle, char **bufs, size_t *lens);
int ceph_read_lists(ceph_lists_fn fn, void *handle, size_t n, char **bufs, size_t *lens);

/* The same for a call that fills buf of len bytes with one string, or
 * answers -ERANGE without saying how much room it needs (rbd_get_id,
 * rbd_get_block_name_prefix, rados_pool_reverse_lookup): the room
 * doubles until it fits, so no constant of librbd's bounds what it says
 * (a data-pool image's block name prefix is longer than
 * RBD_MAX_BLOCK_NAME_SIZE). *out is the caller's. */
typedef int (*ceph_text_fn)(void *handle, char *buf, size_t len);
int ceph_read_text(ceph_text_fn fn, void *handle, char **out);

/* The name of the pool with id pool_id (*name is the caller's), or
 * -ENOENT when there is no such pool. */
int ceph_pool_name(rados_t cluster, int64_t pool_id, char **name);

/* Every pool's name, NUL-separated (*names is the caller's). */
int ceph_pool_names(rados_t cluster, char **names, size_t *len);

/* Drops the cached io context of a pool that was deleted (the other
 * threads' caches notice on their next lookup). */
void ceph_ioctx_forget(struct ceph_ioctx_cache *cache, const char *pool);

#endif
