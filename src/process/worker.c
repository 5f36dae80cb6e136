/* worker.c - a worker: connect to Ceph after the fork, then serve.
 *
 * The worker owns one FastCGI request slot and one cluster connection. It
 * stops after the current request when the master sends SIGQUIT or SIGTERM
 * (graceful stop, reload), when it has served max_requests, or when the
 * master dies. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "conf.h"
#include "http.h"
#include "log.h"
#include "worker.h"

/* Set from the signal handler; the only state outside worker_ctx. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	/* Makes libfcgi's accept() give up on EINTR instead of retrying. */
	FCGX_ShutdownPending();
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

void worker_main(const struct conf *conf, int listen_fd, int ready_fd, struct scoreboard *board,
		 struct worker_score *score)
{
	struct worker_ctx ctx = {.conf = conf, .board = board, .score = score};
	FCGX_Request fcgi;
	int r;

	ctx.env = (struct api_env){.conf = conf, .ceph = &ctx.ceph, .directory = &ctx.directory,
				   .board = board};
	/* A worker must not outlive its master: nobody would reap or replace it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
		_exit(WORKER_EXIT_FAILURE);
	r = install_signals();
	if (r < 0) {
		log_error("event=worker.start_failed errno=%d msg=\"cannot install signal handlers\"", -r);
		_exit(WORKER_EXIT_FAILURE);
	}

	r = ceph_conn_start(&ctx.ceph, conf, board, score);
	if (r < 0) {
		log_error("event=worker.start_failed errno=%d msg=\"cannot start the connector thread\"",
			  -r);
		_exit(WORKER_EXIT_FAILURE);
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fcgi, listen_fd, 0) != 0) {
		log_error("event=worker.start_failed msg=\"libfcgi initialisation failed\"");
		_exit(WORKER_EXIT_FAILURE);
	}
	__atomic_store_n(&score->state, WORKER_IDLE, __ATOMIC_RELEASE);
	if (write(ready_fd, "R", 1) < 0)
		log_warn("event=worker.ready_unsent errno=%d", errno);
	close(ready_fd);

	while (!stop_requested && (conf->max_requests == 0 || ctx.served < conf->max_requests)) {
		if (FCGX_Accept_r(&fcgi) < 0)
			break;
		ceph_conn_enter(&ctx.ceph);
		http_serve(&fcgi, &ctx.env, ctx.score);
		FCGX_Finish_r(&fcgi);
		ceph_conn_leave(&ctx.ceph);
		ctx.served++;
	}

	FCGX_Free(&fcgi, 0);
	image_directory_clear(&ctx.directory);
	ceph_conn_stop(&ctx.ceph);
	/* _exit: atexit handlers and stdio buffers belong to the master. */
	if (stop_requested || (conf->max_requests && ctx.served >= conf->max_requests))
		_exit(WORKER_EXIT_RECYCLE);
	log_error("event=worker.accept_failed served=%lu", ctx.served);
	_exit(WORKER_EXIT_FAILURE);
}
