/* worker.h - a worker process: its connection context and accept loop. */
#ifndef RBD_REST_API_WORKER_H
#define RBD_REST_API_WORKER_H

#include "api.h"
#include "ceph.h"
#include "image_directory.h"
#include "scoreboard.h"

struct conf;

/* Everything a worker keeps between requests: nothing else is global. */
struct worker_ctx {
	const struct conf *conf;
	struct ceph_conn ceph;
	unsigned long served;
	struct scoreboard *board;     /* shared with the master and all workers */
	struct worker_score *score;   /* this worker's slot in it */
	struct image_directory directory;  /* the last image listing read, kept while it holds */
	struct api_env env;           /* the handlers' view of the above */
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
