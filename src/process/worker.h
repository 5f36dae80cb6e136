/* SPDX-License-Identifier: Apache-2.0 */
/* worker.h - a worker process: its connection context and accept loop. */
#ifndef RBD_REST_API_WORKER_H
#define RBD_REST_API_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <fcgiapp.h>

#include "api.h"
#include "ceph.h"
#include "conns.h"
#include "image_directory.h"
#include "permits.h"
#include "scoreboard.h"

struct conf;

struct worker_ctx;

/* One request thread: its api_env with what is its alone (the io
 * context cache is in ceph.caches[index]). */
struct worker_thread {
	struct worker_ctx *ctx;
	unsigned index;
	pthread_t thread;
	struct image_directory directory;  /* the last image listing it read, kept while it holds */
	struct api_env env;                /* the handlers' view of the worker, for this thread */
};

/* Everything a worker keeps between requests: nothing else is global. */
struct worker_ctx {
	const struct conf *conf;
	struct ceph_conn ceph;        /* shared by the threads (it locks itself) */
	struct scoreboard *board;     /* shared with the master and all workers */
	struct worker_score *score;   /* this worker's slot in it; threads[i] is thread i's */
	struct worker_thread *threads;
	unsigned nthreads;
	unsigned running;             /* threads not yet finished (atomic) */
	unsigned serving;             /* requests being served now (atomic) */
	unsigned long served;         /* requests served in all (atomic) */
	int stop;                     /* stop accepting (atomic) */
	int accept_failed;            /* accept failed other than for a stop (atomic) */
	unsigned long accepted;       /* requests taken, for max_requests (atomic) */
	struct conns conns;           /* the listening socket and the kept connections */
	/* FastCGI request objects: one per thread, one per queue place, so
	 * a thread always has one to accept into, and one per connection
	 * nginx may keep (kept_max). Under work_lock: */
	FCGX_Request *requests;
	unsigned nrequests;
	unsigned char *conn_state;    /* per request object: enum conn_state (worker.c) */
	uint32_t *conn_gen;           /* per request object: bumped when its connection closes */
	bool listen_parked;           /* a new connection waits for a free object */
	long long stop_seen_ms;       /* when a thread first saw the stop */
	unsigned nkept, kept_max;     /* kept connections, idle or serving (nkept also atomic reads) */
	int closing_kept;             /* past the stop's drain time: close them (atomic reads) */
	pthread_mutex_t work_lock;
	pthread_cond_t work_changed;  /* a request ended, one was queued, or stop */
	FCGX_Request **spare;         /* free request objects */
	unsigned nspare;
	FCGX_Request **queue;         /* accepted mutations waiting for a permit (a ring) */
	unsigned queue_head, nqueued, queue_max;
	unsigned slow_running, slow_max;  /* mutations being served, and the most at once */
	unsigned transfers_running;   /* of them, transfers of image content (max_transfers) */
	struct permits data_moves;    /* synchronous copies, flattens, rollbacks (api_sync_data_begin) */
};

/* Exit code of a worker that stopped because it served max_requests: the
 * master replaces it at once, without crash back-off. */
#define WORKER_EXIT_RECYCLE 0
#define WORKER_EXIT_FAILURE 70

/* Runs in the child after fork; never returns. ready_fd is written once
 * the worker is about to accept (then closed), so the master can stop an
 * old worker only when its replacement can serve. */
void worker_main(const struct conf *conf, int listen_fd, int ready_fd, struct scoreboard *board,
		 struct worker_score *score) __attribute__((noreturn));

#endif
