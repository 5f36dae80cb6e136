/* SPDX-License-Identifier: Apache-2.0 */
/* scoreboard.h - what every worker is doing, and counters for metrics, in
 * memory shared by the master and all workers.
 *
 * The master maps it before forking, so it survives any single worker;
 * each worker writes only its own slot and bumps the shared counters with
 * atomic adds, so any worker can answer /api/v1/status and
 * /api/v1/metrics for the whole pool, and the master can find a request
 * that has run past request_timeout. */
#ifndef RBD_REST_API_SCOREBOARD_H
#define RBD_REST_API_SCOREBOARD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Room for a full pool being replaced by another during a reload. */
#define SCOREBOARD_SLOTS (2 * 1024 + 16)
#define SCOREBOARD_ROUTES 256            /* the route table has fewer (144) */
#define SCOREBOARD_CODES 24
#define SCOREBOARD_BUCKETS 14
/* Striped locks that serialise mutations of one image across workers
 * (image_lock.h). */
#define IMAGE_LOCKS 4096
/* The most request threads a worker runs (conf key threads). */
#define SCOREBOARD_THREADS 64

enum worker_state { WORKER_FREE = 0, WORKER_STARTING, WORKER_IDLE, WORKER_BUSY, WORKER_STOPPING };

/* One request thread of a worker: only that thread writes it. */
struct thread_score {
	uint32_t state;                   /* WORKER_IDLE or WORKER_BUSY; FREE when not running */
	uint64_t requests;                /* served so far */
	int64_t request_started_ms;       /* when the current request began */
	char request_id[40];
	char method[8];
	char uri[160];
	/* A transfer of image content in progress on this thread: filled,
	 * then transfer set to 1 (release); bytes and alive_ms move while it
	 * runs; transfer back to 0 at its end. */
	uint32_t transfer;
	char transfer_direction[12];      /* "download" or "upload" */
	char transfer_user[64];
	char transfer_image[160];         /* "pool/[ns/]image[@snap]" */
	uint64_t transfer_bytes;          /* moved so far */
	uint64_t transfer_total;          /* to move */
	int64_t transfer_started_ms;
	/* When the request last showed progress: a transfer whose bytes keep
	 * moving is not overdue (request_timeout), however long it runs. */
	int64_t alive_ms;
};

struct worker_score {
	pid_t pid;
	uint32_t state;                   /* enum worker_state; BUSY is its threads' to say */
	uint32_t connected;               /* 1 when its cluster connection is up */
	uint32_t nthreads;                /* request threads: threads[0 .. nthreads) */
	int64_t started_ms;               /* CLOCK_MONOTONIC, when the worker started */
	char client[96];                  /* "client.N at ADDR" of its cluster connection */
	struct thread_score threads[SCOREBOARD_THREADS];
};

struct route_counters {
	uint64_t by_code[SCOREBOARD_CODES];
	uint64_t buckets[SCOREBOARD_BUCKETS];  /* cumulative counts rendered later */
	uint64_t count;
	uint64_t sum_us;
};

struct scoreboard {
	int64_t started_ms;
	uint64_t respawns;                /* workers replaced after dying */
	uint64_t timeouts;                /* workers killed past request_timeout */
	uint64_t pool_changes;            /* pools created or deleted by any worker */
	uint64_t osdmap_epoch;            /* the monitor's newest OSD map epoch, as last asked */
	int64_t osdmap_asked_ms;          /* when a worker last asked it (scoreboard_now_ms) */
	uint64_t ceph_lost;               /* worker clients the cluster refused (blocklisted) */
	uint64_t ceph_reconnects;         /* new clients connected in their place */
	uint64_t data_bytes_in;           /* image content uploaded (PUT .../data, creates) */
	uint64_t data_bytes_out;          /* image content downloaded (GET .../data) */
	uint64_t transfers_broken;        /* transfers whose client went away midway */
	struct worker_score workers[SCOREBOARD_SLOTS];
	struct route_counters routes[SCOREBOARD_ROUTES + 1];  /* last: no route */
	/* Process-shared and robust: a worker killed while holding one (say,
	 * by request_timeout) does not block the others forever. */
	pthread_mutex_t image_locks[IMAGE_LOCKS];
};

/* The HTTP codes we count, and the histogram's upper bounds in seconds. */
extern const int scoreboard_codes[SCOREBOARD_CODES];
extern const double scoreboard_bounds[SCOREBOARD_BUCKETS];

/* Maps a shared, zeroed scoreboard; NULL on failure (errno set). */
struct scoreboard *scoreboard_create(void);

int64_t scoreboard_now_ms(void);

/* Requests the pool has answered since the master started, recycled and
 * dead workers' included. */
uint64_t scoreboard_requests_served(const struct scoreboard *board);

/* Requests a worker has served, all its threads together. */
uint64_t scoreboard_worker_requests(const struct worker_score *w);

/* Worker side, from a request thread: the request in hand, and its
 * outcome. route is the route table index, or -1 when no route matched. */
void scoreboard_request_begin(struct thread_score *slot, const char *request_id,
			      const char *method, const char *uri);
/* When slot's request last showed life: its start, or its transfer's
 * latest progress. */
int64_t scoreboard_request_alive_ms(const struct thread_score *slot);

void scoreboard_request_end(struct scoreboard *board, struct thread_score *slot, int route,
			    int status, double seconds);

#endif
