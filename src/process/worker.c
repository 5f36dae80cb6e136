/* SPDX-License-Identifier: Apache-2.0 */
/* worker.c - a worker: connect to Ceph after the fork, then serve with
 * conf->threads request threads on that one connection.
 *
 * Every idle thread waits in the worker's epoll set (conns.h) at once
 * for the next request, on a new connection or on one of the FastCGI
 * connections nginx keeps open (fastcgi_keep_conn); an event wakes one
 * thread, which serves it. An idle kept connection holds no thread, only
 * its FCGX_Request. Slow requests
 * (mutations) get at most three quarters of the threads; more wait in a
 * queue, so the rest always serve reads and the probes at once. The
 * worker stops
 * accepting when the master sends SIGQUIT or SIGTERM (graceful stop,
 * reload), when it has accepted max_requests, or when the master dies;
 * its threads finish the requests they hold and serve its kept
 * connections until nginx closes them, then it exits. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <time.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "conf.h"
#include "conns.h"
#include "http.h"
#include "log.h"
#include "worker.h"

/* Set from the signal handler; the only state outside worker_ctx. Read
 * by every request thread, so an atomic (lock-free, which a signal
 * handler may use), not only volatile. */
static int stop_requested;

/* How often the main thread looks for a stop to pass on to the waiting
 * threads (a signal may have landed on any thread), and how often the
 * threads of a stopping worker look at the time. */
#define STOP_POLL_MS 50
/* An idle thread's longest wait: the stop wakes one thread per
 * STOP_POLL_MS; this bounds when the last one sees it. */
#define IDLE_POLL_MS 1000
/* Connections nginx may keep open to a worker, per thread (nginx's
 * upstream keepalive, per nginx worker, is far below it). Beyond it a
 * connection is closed after its answer. */
#define KEPT_PER_THREAD 4
/* How long a stopping worker serves its kept connections at most: nginx
 * closes them before (keepalive_timeout 2s, keepalive_requests), and
 * only then is closing one sure not to meet a request nginx is sending
 * into it. At most half of shutdown_timeout. */
#define KEPT_DRAIN_MS 10000

/* What a request object's connection is: none (closed or never opened,
 * or a new one not yet known to be kept), kept and waiting in the epoll
 * set for nginx's next request, or kept and serving one. */
enum conn_state { CONN_NONE, CONN_IDLE, CONN_BUSY };
/* How long a worker must serve nothing before its heap is trimmed: long
 * enough that a steady trickle of requests never pays for it. */
#define TRIM_QUIET_MS 1000
/* Mutations a worker holds waiting for a thread, per thread: beyond that
 * they run on the threads kept for reads. */
#define QUEUE_PER_THREAD 4

static void on_stop_signal(int sig)
{
	int saved = errno;

	(void)sig;
	__atomic_store_n(&stop_requested, 1, __ATOMIC_RELEASE);
	/* Makes libfcgi's accept() give up on EINTR instead of retrying. */
	FCGX_ShutdownPending();
	errno = saved;
}

static void on_reopen_signal(int sig)
{
	int saved = errno;

	(void)sig;
	log_reopen();
	errno = saved;
}

static int install_signals(void)
{
	struct sigaction sa;
	sigset_t all;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked accept() must return so we can exit. */
	if (sigaction(SIGQUIT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -errno;
	/* Reopening must not cut a request's cluster calls short. */
	sa.sa_handler = on_reopen_signal;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return -errno;
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0 || sigaction(SIGHUP, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0)
		return -errno;
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		return -errno;
	/* The master blocks its signals; the worker must see them. */
	sigemptyset(&all);
	return -sigprocmask(SIG_SETMASK, &all, NULL);
}

static bool worker_stopping(struct worker_ctx *ctx)
{
	return __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&ctx->stop, __ATOMIC_ACQUIRE);
}

/* Ends accepting: wakes the thread waiting for connections and the
 * threads waiting for work. */
static void worker_stop(struct worker_ctx *ctx)
{
	__atomic_store_n(&ctx->stop, 1, __ATOMIC_RELEASE);
	conns_stop(&ctx->conns);
	pthread_mutex_lock(&ctx->work_lock);
	pthread_cond_broadcast(&ctx->work_changed);
	pthread_mutex_unlock(&ctx->work_lock);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A kept connection's tag in the epoll set: its object's index, and the
 * object's generation, so that an event that raced with the connection's
 * close is not taken for its object's next connection. */
static uint64_t conn_tag(const struct worker_ctx *ctx, unsigned i)
{
	return (uint64_t)ctx->conn_gen[i] << 32 | i;
}

/* Gives a request object back to the pool (work_lock held), closing its
 * connection if still open: nginx closed it, reading from it failed, or
 * a stopping worker's drain time is over. */
static void conn_forget(struct worker_ctx *ctx, FCGX_Request *fcgi)
{
	unsigned i = (unsigned)(fcgi - ctx->requests);

	if (fcgi->ipcFd >= 0) {
		/* Nothing is left to read: no wait for nginx's close. */
		fcgi->detached = 1;
		FCGX_Free(fcgi, 1);
	}
	fcgi->detached = 0;
	fcgi->keepConnection = 0;
	if (ctx->conn_state[i] != CONN_NONE)
		__atomic_store_n(&ctx->nkept, ctx->nkept - 1, __ATOMIC_RELEASE);
	ctx->conn_state[i] = CONN_NONE;
	ctx->conn_gen[i]++;
	ctx->spare[ctx->nspare++] = fcgi;
	/* A new connection waited for a free object. */
	if (ctx->listen_parked && !worker_stopping(ctx) && conns_listen(&ctx->conns, true) == 0)
		ctx->listen_parked = false;
	pthread_cond_broadcast(&ctx->work_changed);
}

/* After an answer (work_lock held): a connection nginx keeps goes back to
 * the epoll set for its next request; a closed one's object to the pool. */
static void conn_settle(struct worker_ctx *ctx, FCGX_Request *fcgi)
{
	unsigned i = (unsigned)(fcgi - ctx->requests);
	bool add = ctx->conn_state[i] == CONN_NONE;

	/* Idle before it is watched: the next event may come at once. */
	ctx->conn_state[i] = CONN_IDLE;
	if (fcgi->ipcFd < 0 || conns_watch(&ctx->conns, fcgi->ipcFd, conn_tag(ctx, i), add) < 0) {
		if (add)
			ctx->conn_state[i] = CONN_NONE;
		conn_forget(ctx, fcgi);
		return;
	}
	if (add)
		__atomic_store_n(&ctx->nkept, ctx->nkept + 1, __ATOMIC_RELEASE);
}

/* For a stopping worker: true while it holds kept connections. Once
 * KEPT_DRAIN_MS have passed since the stop, closes the idle ones and has
 * the busy ones closed after their answer. */
static bool kept_left(struct worker_ctx *ctx)
{
	long long now = now_ms();
	long long drain = (long long)ctx->conf->shutdown_timeout * 1000 / 2;
	bool left;

	if (drain > KEPT_DRAIN_MS)
		drain = KEPT_DRAIN_MS;
	pthread_mutex_lock(&ctx->work_lock);
	if (!ctx->stop_seen_ms)
		ctx->stop_seen_ms = now;
	if (now - ctx->stop_seen_ms >= drain && !ctx->closing_kept) {
		__atomic_store_n(&ctx->closing_kept, 1, __ATOMIC_RELEASE);
		for (unsigned i = 0; i < ctx->nrequests; i++)
			if (ctx->conn_state[i] == CONN_IDLE)
				conn_forget(ctx, &ctx->requests[i]);
		if (ctx->nkept)
			log_warn("event=worker.kept_closed busy=%u msg=\"nginx kept connections past the stop's drain time\"",
				 ctx->nkept);
	}
	left = ctx->nkept > 0;
	pthread_mutex_unlock(&ctx->work_lock);
	return left;
}

/* A kept connection's event: its object, now busy, or NULL when the
 * connection was closed since (the drain time) and the event is stale. */
static FCGX_Request *take_kept(struct worker_ctx *ctx, uint64_t tag)
{
	unsigned i = (unsigned)(tag & 0xffffffffu);
	FCGX_Request *fcgi = NULL;

	pthread_mutex_lock(&ctx->work_lock);
	if (i < ctx->nrequests && conn_tag(ctx, i) == tag && ctx->conn_state[i] == CONN_IDLE) {
		ctx->conn_state[i] = CONN_BUSY;
		fcgi = &ctx->requests[i];
	}
	pthread_mutex_unlock(&ctx->work_lock);
	return fcgi;
}

/* The listening socket's event: a new connection in a free object, or
 * NULL (none left, no free object: accepting waits for one, or accept
 * failed for good: the worker stops). */
static FCGX_Request *take_new(struct worker_ctx *ctx)
{
	FCGX_Request *fcgi = NULL;
	int fd = -1, r;

	pthread_mutex_lock(&ctx->work_lock);
	if (worker_stopping(ctx)) {
		pthread_mutex_unlock(&ctx->work_lock);
		return NULL;
	}
	if (ctx->nspare)
		fcgi = ctx->spare[--ctx->nspare];
	else
		ctx->listen_parked = true;
	pthread_mutex_unlock(&ctx->work_lock);
	if (!fcgi)
		return NULL;
	r = conns_accept(&ctx->conns, &fd);
	/* Re-armed at once: the next connection may be taken by another thread. */
	if (r >= 0 && !worker_stopping(ctx))
		conns_listen(&ctx->conns, true);
	if (r > 0) {
		/* libfcgi reads from a request object's open connection
		 * instead of accepting; keepConnection keeps its first
		 * FCGX_Finish_r from closing it. */
		fcgi->ipcFd = fd;
		fcgi->keepConnection = 1;
		return fcgi;
	}
	pthread_mutex_lock(&ctx->work_lock);
	conn_forget(ctx, fcgi);
	pthread_mutex_unlock(&ctx->work_lock);
	if (r < 0) {
		log_error("event=worker.accept_failed errno=%d", -r);
		__atomic_store_n(&ctx->accept_failed, 1, __ATOMIC_RELEASE);
		worker_stop(ctx);
	}
	return NULL;
}

/* An idle thread's wait for the next request: the object to serve (*hup:
 * nginx may have closed its connection), or NULL when none came this
 * time. A stopping worker takes no new connection but goes on serving its
 * kept ones until nginx closes them: closing one nginx may be writing a
 * request into would lose that request (nginx does not send a POST
 * again). */
static FCGX_Request *wait_request(struct worker_ctx *ctx, bool *hup)
{
	unsigned long max = ctx->conf->max_requests;
	FCGX_Request *fcgi = NULL;
	bool stopping;
	uint64_t tag;
	int r;

	stopping = worker_stopping(ctx);
	/* Once: each stop wakes one more waiting thread. */
	if (!stopping && max && __atomic_load_n(&ctx->accepted, __ATOMIC_ACQUIRE) >= max) {
		worker_stop(ctx);
		stopping = true;
	}
	if (stopping) {
		conns_listen(&ctx->conns, false);
		if (!kept_left(ctx))
			return NULL;
	}
	r = conns_wait(&ctx->conns, stopping ? STOP_POLL_MS : IDLE_POLL_MS, &tag, hup);
	if (r < 0) {
		log_error("event=worker.accept_failed errno=%d msg=\"epoll_wait failed\"", -r);
		__atomic_store_n(&ctx->accept_failed, 1, __ATOMIC_RELEASE);
		worker_stop(ctx);
		return NULL;
	}
	if (r == 0 || tag == CONNS_TAG_STOP)
		return NULL;
	fcgi = tag == CONNS_TAG_LISTEN ? take_new(ctx) : take_kept(ctx, tag);
	if (fcgi)
		__atomic_add_fetch(&ctx->accepted, 1, __ATOMIC_ACQ_REL);
	return fcgi;
}

/* Reads the request on fcgi's connection. False when there is none (nginx
 * closed the connection, or reading failed): the object is back in the
 * pool. */
static bool open_request(struct worker_ctx *ctx, FCGX_Request *fcgi, bool hup)
{
	int listen_fd = fcgi->listen_sock;

	if (!hup || !conns_peer_closed(fcgi->ipcFd)) {
		int r;

		/* When reading fails libfcgi closes the connection and
		 * accepts another on listen_sock: -1 makes that fail. */
		fcgi->listen_sock = -1;
		r = FCGX_Accept_r(fcgi);
		fcgi->listen_sock = listen_fd;
		if (r == 0)
			return true;
	}
	pthread_mutex_lock(&ctx->work_lock);
	conn_forget(ctx, fcgi);
	pthread_mutex_unlock(&ctx->work_lock);
	return false;
}

/* True when the request's stdin is read to its end, reading what is left
 * of a short one (a GET's empty stdin record). Then nothing nginx sent
 * is left unread, and the connection may be closed at once: libfcgi's
 * own close otherwise shuts down writing and waits for nginx to close
 * first, a sleep and a wake-up of the thread on every request. Bodies
 * with more than STDIN_DRAIN_MAX left keep that careful close. */
#define STDIN_DRAIN_MAX (64 * 1024)
static bool stdin_drained(FCGX_Request *fcgi)
{
	char buf[4096];
	size_t read_so_far = 0;

	while (read_so_far < STDIN_DRAIN_MAX) {
		int n = FCGX_GetStr(buf, sizeof(buf), fcgi->in);

		if (n <= 0)
			return FCGX_HasSeenEOF(fcgi->in) == EOF;
		read_so_far += (size_t)n;
	}
	return false;
}

/* How a thread serves a request: as a quick one, holding a slow permit,
 * as a transfer (a slow permit and a transfer's), or refusing a transfer
 * beyond max_transfers (at once, on any thread: that answer is quick). */
enum serve_as { SERVE_QUICK, SERVE_SLOW, SERVE_TRANSFER, SERVE_REFUSED };

/* Serves fcgi on thread t, then gives the request object back (and the
 * permits it held). */
static void serve(struct worker_thread *t, FCGX_Request *fcgi, enum serve_as as)
{
	struct worker_ctx *ctx = t->ctx;
	bool slow = as == SERVE_SLOW || as == SERVE_TRANSFER;
	bool drained;

	__atomic_add_fetch(&ctx->serving, 1, __ATOMIC_ACQ_REL);
	ceph_conn_enter(&ctx->ceph);
	http_serve(fcgi, &t->env, &ctx->score->threads[t->index], as == SERVE_REFUSED);
	drained = stdin_drained(fcgi);
	if (drained)
		FCGX_Detach(fcgi);
	/* A connection nginx keeps stays open when nothing of this request
	 * is left unread; else it is closed after the answer. */
	if (!drained || __atomic_load_n(&ctx->closing_kept, __ATOMIC_ACQUIRE) ||
	    (ctx->conn_state[fcgi - ctx->requests] == CONN_NONE &&
	     __atomic_load_n(&ctx->nkept, __ATOMIC_ACQUIRE) >= ctx->kept_max))
		fcgi->keepConnection = 0;
	FCGX_Finish_r(fcgi);
	/* The object is reused for the next request, which decides anew. */
	fcgi->detached = 0;
	ceph_conn_leave(&ctx->ceph);
	__atomic_add_fetch(&ctx->served, 1, __ATOMIC_ACQ_REL);
	__atomic_sub_fetch(&ctx->serving, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_lock(&ctx->work_lock);
	if (slow)
		ctx->slow_running--;
	if (as == SERVE_TRANSFER)
		ctx->transfers_running--;
	conn_settle(ctx, fcgi);
	pthread_cond_broadcast(&ctx->work_changed);
	pthread_mutex_unlock(&ctx->work_lock);
}

/* What a thread does next (work_lock held): a queued slow request when a
 * permit is free (its permit taken), else NULL with *wait set: its turn
 * to wait for requests. *wait false when the worker has stopped, nothing
 * is queued and no kept connection is left: the thread ends. A stopping
 * worker's threads wait here for permits of queued requests. */
static FCGX_Request *next_work(struct worker_ctx *ctx, bool *wait)
{
	*wait = true;
	for (;;) {
		if (ctx->nqueued && ctx->slow_running < ctx->slow_max) {
			FCGX_Request *fcgi = ctx->queue[ctx->queue_head];

			ctx->queue_head = (ctx->queue_head + 1) % ctx->queue_max;
			ctx->nqueued--;
			ctx->slow_running++;
			return fcgi;
		}
		if (!worker_stopping(ctx) || ctx->nkept)
			return NULL;
		if (!ctx->nqueued) {
			*wait = false;
			return NULL;
		}
		pthread_cond_wait(&ctx->work_changed, &ctx->work_lock);
	}
}

/* A slow request just accepted: run it now if a permit is free, else
 * queue it for the next thread that frees one. When even the queue is
 * full it runs anyway, on a thread meant for the quick ones. Returns true
 * when the caller is to serve it. */
static bool admit_slow(struct worker_ctx *ctx, FCGX_Request *fcgi)
{
	bool run = true;

	pthread_mutex_lock(&ctx->work_lock);
	if (ctx->slow_running < ctx->slow_max || ctx->nqueued == ctx->queue_max) {
		ctx->slow_running++;
	} else {
		ctx->queue[(ctx->queue_head + ctx->nqueued) % ctx->queue_max] = fcgi;
		ctx->nqueued++;
		run = false;
	}
	pthread_mutex_unlock(&ctx->work_lock);
	return run;
}

/* A transfer just accepted: it runs now, on a slow permit, when fewer
 * than max_transfers run and a slow permit is free; else it is refused
 * (429), never queued: a transfer holds its thread for minutes, and
 * never takes a thread kept for the quick requests. */
static enum serve_as admit_transfer(struct worker_ctx *ctx)
{
	enum serve_as as = SERVE_REFUSED;

	pthread_mutex_lock(&ctx->work_lock);
	if (ctx->transfers_running < ctx->conf->max_transfers && ctx->slow_running < ctx->slow_max) {
		ctx->transfers_running++;
		ctx->slow_running++;
		as = SERVE_TRANSFER;
	}
	pthread_mutex_unlock(&ctx->work_lock);
	return as;
}

static int init_requests(struct worker_ctx *ctx, int listen_fd)
{
	for (unsigned i = 0; i < ctx->nrequests; i++) {
		if (FCGX_InitRequest(&ctx->requests[i], listen_fd, 0) != 0)
			return -ENOMEM;
		ctx->spare[ctx->nspare++] = &ctx->requests[i];
	}
	return 0;
}

static void *request_thread_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker_ctx *ctx = t->ctx;
	struct thread_score *slot = &ctx->score->threads[t->index];

	__atomic_store_n(&slot->state, WORKER_IDLE, __ATOMIC_RELEASE);
	for (;;) {
		FCGX_Request *fcgi;
		bool wait, hup;

		pthread_mutex_lock(&ctx->work_lock);
		fcgi = next_work(ctx, &wait);
		pthread_mutex_unlock(&ctx->work_lock);
		if (fcgi) {
			serve(t, fcgi, SERVE_SLOW);
			continue;
		}
		if (!wait)
			break;
		fcgi = wait_request(ctx, &hup);
		if (!fcgi || !open_request(ctx, fcgi, hup))
			continue;
		switch (http_request_kind(fcgi)) {
		case HTTP_KIND_QUICK:
			serve(t, fcgi, SERVE_QUICK);
			break;
		case HTTP_KIND_TRANSFER:
			serve(t, fcgi, admit_transfer(ctx));
			break;
		case HTTP_KIND_SLOW:
			if (admit_slow(ctx, fcgi))
				serve(t, fcgi, SERVE_SLOW);
			break;
		}
	}
	__atomic_store_n(&slot->state, WORKER_FREE, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&ctx->running, 1, __ATOMIC_ACQ_REL);
	return NULL;
}

/* Gives the heap back to the system once the worker has been quiet for
 * TRIM_QUIET_MS after serving anything. librbd's image opens (a detail
 * page opens 100 at once), copies and flattens leave megabytes freed in
 * every thread's malloc arena, which glibc keeps: after the benchmark's
 * table a worker stayed at ~140 MiB instead of ~30 until it was
 * recycled (t/bench/load.py, "after" rows). polls counts this worker's
 * quiet polls, trimmed_at the served count at the last trim. */
static void trim_when_quiet(struct worker_ctx *ctx, unsigned *polls, unsigned long *trimmed_at)
{
	unsigned long served = __atomic_load_n(&ctx->served, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&ctx->serving, __ATOMIC_ACQUIRE) > 0 || served == *trimmed_at) {
		*polls = 0;
		return;
	}
	if (++*polls * STOP_POLL_MS < TRIM_QUIET_MS)
		return;
	malloc_trim(0);
	*trimmed_at = served;
	*polls = 0;
}

/* Until every request thread has finished: passes a stop on to the
 * threads (a signal sets only a flag), and trims the heap when the
 * worker is quiet. */
static void supervise_threads(struct worker_ctx *ctx)
{
	unsigned quiet_polls = 0;
	unsigned long trimmed_at = 0;

	while (__atomic_load_n(&ctx->running, __ATOMIC_ACQUIRE) > 0) {
		trim_when_quiet(ctx, &quiet_polls, &trimmed_at);
		/* Each call wakes one more waiting thread. */
		if (worker_stopping(ctx))
			worker_stop(ctx);
		poll(NULL, 0, STOP_POLL_MS);
	}
}

/* Starts the request threads with the stop and reopen signals blocked,
 * so those land on the main thread (or a librados one), never in the
 * middle of a request's reads and writes. Returns how many started. */
static unsigned start_threads(struct worker_ctx *ctx)
{
	sigset_t block, old;
	unsigned n = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (; n < ctx->nthreads; n++) {
		struct worker_thread *t = &ctx->threads[n];

		t->ctx = ctx;
		t->index = n;
		t->env = (struct api_env){.conf = ctx->conf, .ceph = &ctx->ceph,
					  .ioctxs = &ctx->ceph.caches[n],
					  .directory = &t->directory, .board = ctx->board,
					  .data_moves = &ctx->data_moves};
		__atomic_add_fetch(&ctx->running, 1, __ATOMIC_ACQ_REL);
		if (pthread_create(&t->thread, NULL, request_thread_main, t) != 0) {
			__atomic_sub_fetch(&ctx->running, 1, __ATOMIC_ACQ_REL);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n;
}

void worker_main(const struct conf *conf, int listen_fd, int ready_fd, struct scoreboard *board,
		 struct worker_score *score)
{
	struct worker_ctx ctx = {.conf = conf, .board = board, .score = score};
	unsigned started;
	int r;

	ctx.nthreads = conf->threads < 1 ? 1
		       : conf->threads > SCOREBOARD_THREADS ? SCOREBOARD_THREADS : conf->threads;
	/* A worker must not outlive its master: nobody would reap or replace it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
		_exit(WORKER_EXIT_FAILURE);
	r = install_signals();
	if (r < 0) {
		log_error("event=worker.start_failed errno=%d msg=\"cannot install signal handlers\"", -r);
		_exit(WORKER_EXIT_FAILURE);
	}
	/* A quarter of the threads, at least one, never take a mutation:
	 * reads and the probes always find one free. Mutations beyond that
	 * wait in the queue (never longer than a slow one takes to end). */
	ctx.slow_max = ctx.nthreads - (ctx.nthreads + 3) / 4;
	if (ctx.slow_max == 0)
		ctx.slow_max = 1;
	ctx.queue_max = QUEUE_PER_THREAD * ctx.nthreads;
	ctx.kept_max = KEPT_PER_THREAD * ctx.nthreads;
	ctx.nrequests = ctx.nthreads + ctx.queue_max + ctx.kept_max;
	ctx.threads = calloc(ctx.nthreads, sizeof(*ctx.threads));
	ctx.requests = calloc(ctx.nrequests, sizeof(*ctx.requests));
	ctx.conn_state = calloc(ctx.nrequests, sizeof(*ctx.conn_state));
	ctx.conn_gen = calloc(ctx.nrequests, sizeof(*ctx.conn_gen));
	ctx.spare = calloc(ctx.nrequests, sizeof(*ctx.spare));
	ctx.queue = calloc(ctx.queue_max, sizeof(*ctx.queue));
	if (!ctx.threads || !ctx.requests || !ctx.conn_state || !ctx.conn_gen || !ctx.spare || !ctx.queue) {
		log_error("event=worker.start_failed errno=%d msg=\"out of memory\"", ENOMEM);
		_exit(WORKER_EXIT_FAILURE);
	}
	pthread_mutex_init(&ctx.work_lock, NULL);
	pthread_cond_init(&ctx.work_changed, NULL);
	r = permits_init(&ctx.data_moves, conf->max_sync_data_ops);
	if (r < 0) {
		log_error("event=worker.start_failed errno=%d msg=\"cannot make the data move permits\"", -r);
		_exit(WORKER_EXIT_FAILURE);
	}

	r = ceph_conn_start(&ctx.ceph, conf, board, score, ctx.nthreads);
	if (r < 0) {
		log_error("event=worker.start_failed errno=%d msg=\"cannot start the connector thread\"",
			  -r);
		_exit(WORKER_EXIT_FAILURE);
	}
	r = conns_init(&ctx.conns, listen_fd);
	if (r < 0) {
		log_error("event=worker.start_failed errno=%d msg=\"cannot watch the connections\"", -r);
		_exit(WORKER_EXIT_FAILURE);
	}
	if (FCGX_Init() != 0 || init_requests(&ctx, listen_fd) < 0) {
		log_error("event=worker.start_failed msg=\"libfcgi initialisation failed\"");
		_exit(WORKER_EXIT_FAILURE);
	}
	__atomic_store_n(&score->nthreads, ctx.nthreads, __ATOMIC_RELEASE);
	started = start_threads(&ctx);
	if (started == 0) {
		log_error("event=worker.start_failed msg=\"cannot start a request thread\"");
		_exit(WORKER_EXIT_FAILURE);
	}
	if (started < ctx.nthreads)
		log_warn("event=worker.threads_short started=%u wanted=%u", started, ctx.nthreads);
	__atomic_store_n(&score->state, WORKER_IDLE, __ATOMIC_RELEASE);
	if (write(ready_fd, "R", 1) < 0)
		log_warn("event=worker.ready_unsent errno=%d", errno);
	close(ready_fd);

	supervise_threads(&ctx);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(ctx.threads[i].thread, NULL);
		image_directory_clear(&ctx.threads[i].directory);
	}
	/* Connections still open here were nginx's, past the drain time. */
	for (unsigned i = 0; i < ctx.nrequests; i++) {
		ctx.requests[i].detached = 1;
		FCGX_Free(&ctx.requests[i], 1);
	}
	conns_destroy(&ctx.conns);
	free(ctx.requests);
	free(ctx.conn_state);
	free(ctx.conn_gen);
	free(ctx.spare);
	free(ctx.queue);
	free(ctx.threads);
	permits_destroy(&ctx.data_moves);
	ceph_conn_stop(&ctx.ceph);
	/* _exit: atexit handlers and stdio buffers belong to the master. */
	if (!ctx.accept_failed)
		_exit(WORKER_EXIT_RECYCLE);
	log_error("event=worker.accept_failed served=%lu", ctx.served);
	_exit(WORKER_EXIT_FAILURE);
}
