/* SPDX-License-Identifier: Apache-2.0 */
/* master.c - worker supervision (see master.h).
 *
 * The loop sleeps in ppoll() with every signal blocked except during the
 * wait, so handlers only set flags and all the work happens here, in one
 * place, in order: reap, react to signals, take readiness reports, then
 * bring the pool to the shape the configuration asks for. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "notify.h"
#include "sched_runner.h"
#include "sched_spawn.h"
#include "scoreboard.h"
#include "task_procs.h"
#include "task_runner.h"
#include "worker.h"

/* A worker that dies younger than this counts towards a crash loop. */
#define CRASH_WINDOW_MS 5000
#define BACKOFF_MAX_MS 10000
#define STATUS_INTERVAL_MS 5000
#define RESIGNAL_MS 1000
/* How long task runners get to stop (an interrupted copy removes what it
 * made) before the master kills them and exits. */
#define RUNNERS_STOP_MS 30000
/* A scheduler that dies is started again after this long. */
#define SCHED_RESPAWN_MS 1000

struct worker_slot {
	pid_t pid;             /* 0 = free slot */
	int ready_fd;          /* read end until the worker reports ready */
	unsigned generation;   /* the configuration it was started with */
	bool ready;
	bool stopping;
	struct worker_score *score;   /* its slot in the shared scoreboard */
	long long started_ms;
	long long stop_sent_ms;
	long long last_signal_ms;
};

struct master {
	struct conf *conf;
	struct listener *listener;
	conf_loader load;
	void *load_arg;
	unsigned generation;
	struct worker_slot *slots;
	size_t nslots;
	struct scoreboard *board;
	unsigned crash_streak;
	long long next_spawn_ms;
	bool stopping;
	/* What systemd was last told: READY=1 is sent once the pool is whole,
	 * after start and after each reload. */
	bool ready_sent;
	long long next_status_ms;
	long long runners_deadline_ms;   /* when stopping: runners still alive then are killed */
	pid_t sched_pid;                 /* the snapshot scheduler (sched_runner.c); 0 = none */
	long long sched_next_spawn_ms;
};

static volatile sig_atomic_t got_hup, got_stop, got_chld, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	else
		got_stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int install_signals(sigset_t *wait_mask)
{
	static const int handled[] = {SIGHUP, SIGCHLD, SIGTERM, SIGQUIT, SIGINT, SIGUSR1};
	struct sigaction sa;
	sigset_t blocked;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&blocked);
	for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		if (sigaction(handled[i], &sa, NULL) < 0)
			return -errno;
		sigaddset(&blocked, handled[i]);
	}
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -errno;
	if (sigprocmask(SIG_BLOCK, &blocked, wait_mask) < 0)
		return -errno;
	sigdelset(wait_mask, SIGHUP);
	sigdelset(wait_mask, SIGCHLD);
	sigdelset(wait_mask, SIGTERM);
	sigdelset(wait_mask, SIGQUIT);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGUSR1);
	return 0;
}

static struct worker_slot *free_slot(struct master *m)
{
	struct worker_slot *grown;

	for (size_t i = 0; i < m->nslots; i++)
		if (!m->slots[i].pid)
			return &m->slots[i];
	grown = realloc(m->slots, (m->nslots + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	m->slots = grown;
	memset(&grown[m->nslots], 0, sizeof(*grown));
	return &grown[m->nslots++];
}

static struct worker_score *free_score(struct master *m)
{
	for (size_t i = 0; i < SCOREBOARD_SLOTS; i++)
		if (m->board->workers[i].state == WORKER_FREE && !m->board->workers[i].pid)
			return &m->board->workers[i];
	return NULL;
}

static int spawn_worker(struct master *m)
{
	struct worker_slot *slot = free_slot(m);
	struct worker_score *score = free_score(m);
	int pipefd[2];
	pid_t pid;

	if (!slot || !score)
		return -ENOMEM;
	memset(score, 0, sizeof(*score));
	score->state = WORKER_STARTING;
	score->started_ms = scoreboard_now_ms();
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		close(pipefd[0]);
		for (size_t i = 0; i < m->nslots; i++)
			if (m->slots[i].pid && m->slots[i].ready_fd >= 0)
				close(m->slots[i].ready_fd);
		worker_main(m->conf, m->listener->fd, pipefd[1], m->board, score);
	}
	close(pipefd[1]);
	memset(slot, 0, sizeof(*slot));
	score->pid = pid;
	slot->score = score;
	slot->pid = pid;
	slot->ready_fd = pipefd[0];
	slot->generation = m->generation;
	slot->started_ms = now_ms();
	log_debug("event=worker.spawned worker=%ld generation=%u", (long)pid, m->generation);
	return 0;
}

static void signal_worker(struct worker_slot *slot, int sig)
{
	long long now = now_ms();

	if (!slot->stopping) {
		slot->stopping = true;
		slot->stop_sent_ms = now;
		__atomic_store_n(&slot->score->state, WORKER_STOPPING, __ATOMIC_RELEASE);
	}
	slot->last_signal_ms = now;
	kill(slot->pid, sig);
}

static void release_slot(struct worker_slot *slot)
{
	if (slot->ready_fd >= 0)
		close(slot->ready_fd);
	if (slot->score)
		memset(slot->score, 0, sizeof(*slot->score));
	memset(slot, 0, sizeof(*slot));
	slot->ready_fd = -1;
}

static void reaped_scheduler(struct master *m, int status)
{
	if (!m->stopping) {
		if (WIFSIGNALED(status))
			log_error("event=scheduler.died pid=%ld signal=%d", (long)m->sched_pid,
				  WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_error("event=scheduler.died pid=%ld exit=%d", (long)m->sched_pid,
				  WEXITSTATUS(status));
	}
	m->sched_pid = 0;
	m->sched_next_spawn_ms = now_ms() + SCHED_RESPAWN_MS;
}

/* Keeps one scheduler running while the configuration asks for it. */
static void shape_scheduler(struct master *m)
{
	int r;

	if (m->sched_pid || !m->conf->snapshot_scheduler || now_ms() < m->sched_next_spawn_ms)
		return;
	r = sched_spawn(m->conf, &m->sched_pid);
	if (r < 0) {
		log_error("event=scheduler.spawn_failed errno=%d", -r);
		m->sched_pid = 0;
		m->sched_next_spawn_ms = now_ms() + SCHED_RESPAWN_MS;
		return;
	}
	log_debug("event=scheduler.spawned pid=%ld", (long)m->sched_pid);
}

static void reap_workers(struct master *m)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct worker_slot *slot = NULL;
		long long lived;
		bool crashed;

		if (pid == m->sched_pid) {
			reaped_scheduler(m, status);
			continue;
		}
		for (size_t i = 0; i < m->nslots; i++)
			if (m->slots[i].pid == pid)
				slot = &m->slots[i];
		if (!slot)
			continue;
		lived = now_ms() - slot->started_ms;
		crashed = !slot->stopping &&
			  !(WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_RECYCLE);
		if (crashed) {
			m->board->respawns++;
			m->crash_streak = lived < CRASH_WINDOW_MS ? m->crash_streak + 1 : 1;
			if (m->crash_streak > 1) {
				long long delay = 100LL << (m->crash_streak > 8 ? 7 : m->crash_streak - 2);

				if (delay > BACKOFF_MAX_MS)
					delay = BACKOFF_MAX_MS;
				m->next_spawn_ms = now_ms() + delay;
				log_error("event=worker.crash_loop worker=%ld crashes=%u respawn_in_ms=%lld",
					  (long)pid, m->crash_streak, delay);
			}
			if (WIFSIGNALED(status))
				log_error("event=worker.died worker=%ld signal=%d lived_ms=%lld", (long)pid,
					  WTERMSIG(status), lived);
			else
				log_error("event=worker.died worker=%ld exit=%d lived_ms=%lld", (long)pid,
					  WEXITSTATUS(status), lived);
		} else {
			log_debug("event=worker.exited worker=%ld lived_ms=%lld recycled=%s", (long)pid,
				  lived, slot->stopping ? "no" : "yes");
		}
		release_slot(slot);
	}
}

static void reload(struct master *m)
{
	struct conf *fresh = calloc(1, sizeof(*fresh));
	char err[1024];
	int r;

	if (!fresh) {
		log_error("event=reload.failed msg=\"out of memory\"");
		return;
	}
	r = m->load(m->load_arg, fresh, err, sizeof(err));
	if (r < 0) {
		log_error("event=reload.failed msg=\"%s; keeping the running configuration\"", err);
		free(fresh);
		return;
	}
	if (strcmp(fresh->listen, m->conf->listen) != 0)
		log_warn("event=reload.listen_unchanged msg=\"listen changed to %s; a restart is needed to move the socket\"",
			 fresh->listen);
	log_set_threshold(fresh->log_level);
	if (strcmp(fresh->log_file, m->conf->log_file) != 0 && log_to_file(fresh->log_file) < 0)
		log_error("event=reload.log_file_failed path=\"%s\"", fresh->log_file);
	conf_free(m->conf);
	free(m->conf);
	m->conf = fresh;
	m->generation++;
	m->ready_sent = false;
	/* It has no reload of its own: a fresh one reads the new settings. */
	if (m->sched_pid) {
		kill(m->sched_pid, SIGTERM);
		m->sched_next_spawn_ms = 0;
	}
	notify_systemd("RELOADING=1\nSTATUS=reloading: replacing workers one by one");
	m->crash_streak = 0;
	m->next_spawn_ms = 0;
	log_info("event=reload generation=%u workers=%u", m->generation, m->conf->workers);
}

static void take_ready_reports(struct master *m, const struct pollfd *fds, size_t nfds)
{
	for (size_t i = 0; i < nfds; i++) {
		char byte;

		if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		for (size_t s = 0; s < m->nslots; s++) {
			struct worker_slot *slot = &m->slots[s];

			if (slot->pid && slot->ready_fd == fds[i].fd) {
				/* EOF without the byte: the worker died before serving. */
				slot->ready = read(slot->ready_fd, &byte, 1) == 1;
				close(slot->ready_fd);
				slot->ready_fd = -1;
			}
		}
	}
}

/* Brings the pool to conf->workers ready workers of the current
 * generation, retiring older ones only as replacements become ready. */
static void shape_pool(struct master *m)
{
	unsigned current = 0, current_ready = 0, current_starting = 0, old_serving = 0;
	long long now = now_ms();

	for (size_t i = 0; i < m->nslots; i++) {
		struct worker_slot *slot = &m->slots[i];

		if (!slot->pid || slot->stopping)
			continue;
		if (slot->generation == m->generation) {
			current++;
			if (slot->ready)
				current_ready++;
			else
				current_starting++;
		} else {
			old_serving++;
		}
	}

	/* During a reload, one replacement at a time keeps capacity level. */
	while (current < m->conf->workers && now >= m->next_spawn_ms &&
	       (old_serving == 0 || current_starting == 0)) {
		int r = spawn_worker(m);

		if (r < 0) {
			log_error("event=worker.spawn_failed errno=%d", -r);
			m->next_spawn_ms = now + 1000;
			break;
		}
		current++;
		current_starting++;
	}

	for (size_t i = 0; i < m->nslots && old_serving > 0 &&
			   current_ready + old_serving > m->conf->workers;
	     i++) {
		struct worker_slot *slot = &m->slots[i];

		if (slot->pid && !slot->stopping && slot->generation != m->generation) {
			signal_worker(slot, SIGQUIT);
			old_serving--;
		}
	}
}

/* Stopping workers get their signal again each second (one that arrived
 * just before accept() would otherwise sleep until the next connection),
 * and SIGKILL once shutdown_timeout has passed. */
static void chase_stopping(struct master *m)
{
	long long now = now_ms();

	for (size_t i = 0; i < m->nslots; i++) {
		struct worker_slot *slot = &m->slots[i];

		if (!slot->pid || !slot->stopping)
			continue;
		if (now - slot->stop_sent_ms >= (long long)m->conf->shutdown_timeout * 1000) {
			log_error("event=worker.killed worker=%ld msg=\"still busy after shutdown_timeout=%us\"",
				  (long)slot->pid, m->conf->shutdown_timeout);
			kill(slot->pid, SIGKILL);
			slot->stop_sent_ms = now;
		} else if (now - slot->last_signal_ms >= RESIGNAL_MS) {
			signal_worker(slot, SIGQUIT);
		}
	}
}

/* Tells systemd we are ready once every worker of the current
 * configuration reported ready and no older worker still serves. */
static void notify_when_whole(struct master *m)
{
	unsigned ready = 0;
	char state[128];

	if (m->ready_sent)
		return;
	for (size_t i = 0; i < m->nslots; i++) {
		const struct worker_slot *slot = &m->slots[i];

		if (!slot->pid)
			continue;
		if (slot->generation != m->generation)
			return;
		ready += slot->ready && !slot->stopping;
	}
	if (ready < m->conf->workers)
		return;
	snprintf(state, sizeof(state), "READY=1\nSTATUS=%u workers ready", ready);
	notify_systemd(state);
	log_info("event=master.ready workers=%u generation=%u", ready, m->generation);
	m->ready_sent = true;
	m->next_status_ms = now_ms() + STATUS_INTERVAL_MS;
}

/* "1234567" -> "1,234,567", as systemctl status shows it. */
static void format_count(uint64_t n, char *out, size_t outlen)
{
	char digits[24];
	size_t len, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	for (size_t i = 0; i < len && o + 2 < outlen; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* Every few seconds, a STATUS= line for `systemctl status`. */
static void notify_status(struct master *m)
{
	unsigned workers = 0, idle = 0, busy = 0;
	long long now = now_ms();
	char served[32], state[160];

	if (!m->ready_sent || now < m->next_status_ms)
		return;
	m->next_status_ms = now + STATUS_INTERVAL_MS;
	/* Idle and busy are threads: a worker serves many requests at once. */
	for (size_t i = 0; i < SCOREBOARD_SLOTS; i++) {
		if (__atomic_load_n(&m->board->workers[i].state, __ATOMIC_RELAXED) == WORKER_FREE)
			continue;
		workers++;
		for (size_t t = 0; t < SCOREBOARD_THREADS; t++) {
			uint32_t s = __atomic_load_n(&m->board->workers[i].threads[t].state,
						     __ATOMIC_RELAXED);

			idle += s == WORKER_IDLE;
			busy += s == WORKER_BUSY;
		}
	}
	format_count(scoreboard_requests_served(m->board), served, sizeof(served));
	snprintf(state, sizeof(state),
		 "STATUS=%u workers, %u threads (%u idle, %u busy), %s requests served", workers,
		 idle + busy, idle, busy, served);
	notify_systemd(state);
}

/* The thread of slot's worker whose request has run longest, or NULL
 * when none is busy. */
static const struct thread_score *oldest_request(const struct worker_score *score)
{
	const struct thread_score *oldest = NULL;

	for (size_t t = 0; t < SCOREBOARD_THREADS; t++) {
		const struct thread_score *th = &score->threads[t];

		if (__atomic_load_n(&th->state, __ATOMIC_ACQUIRE) == WORKER_BUSY &&
		    (!oldest ||
		     scoreboard_request_alive_ms(th) < scoreboard_request_alive_ms(oldest)))
			oldest = th;
	}
	return oldest;
}

/* A request running past request_timeout gets its worker killed (the
 * request id is logged so it can be traced) and replaced. A thread
 * cannot be stopped in the middle of a librbd call, so the whole worker
 * goes, and with it the other requests it had in flight (at most
 * threads - 1). */
static void kill_overdue(struct master *m)
{
	long long now = now_ms();
	char uri[2 * sizeof(m->slots[0].score->threads[0].uri)];

	if (!m->conf->request_timeout)
		return;
	for (size_t i = 0; i < m->nslots; i++) {
		struct worker_slot *slot = &m->slots[i];
		const struct thread_score *th;

		if (!slot->pid || slot->stopping)
			continue;
		th = oldest_request(slot->score);
		if (!th ||
		    now - scoreboard_request_alive_ms(th) < (long long)m->conf->request_timeout * 1000)
			continue;
		log_event(LOG_LEVEL_ERROR, th->request_id, NULL,
			  "event=worker.request_timeout worker=%ld method=%s uri=\"%s\" ms=%lld msg=\"request ran past request_timeout=%us; worker killed and replaced\"",
			  (long)slot->pid, th->method,
			  log_quote(th->uri, uri, sizeof(uri)), now - th->request_started_ms,
			  m->conf->request_timeout);
		m->board->timeouts++;
		signal_worker(slot, SIGKILL);
	}
}

/* Task runners were told to stop with the workers; waits for them,
 * killing what is left after RUNNERS_STOP_MS. Returns true once none is
 * left. */
static bool runners_stopped(struct master *m)
{
	if (!task_procs_remain())
		return true;
	if (now_ms() < m->runners_deadline_ms)
		return false;
	log_error("event=master.tasks_killed msg=\"task runners did not stop within %d s\"",
		  RUNNERS_STOP_MS / 1000);
	task_procs_signal(TASK_RUNNER_NAME, SIGKILL);
	if (m->sched_pid)
		kill(m->sched_pid, SIGKILL);
	return true;
}

static size_t live_workers(const struct master *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nslots; i++)
		n += m->slots[i].pid != 0;
	return n;
}

int master_run(struct conf *conf, struct listener *listener, conf_loader load, void *load_arg)
{
	struct master m = {
		.conf = conf, .listener = listener, .load = load, .load_arg = load_arg,
	};
	struct pollfd *fds = NULL;
	sigset_t wait_mask;
	int r;

	m.board = scoreboard_create();
	if (!m.board) {
		log_error("event=master.start_failed errno=%d msg=\"cannot map the shared scoreboard\"", errno);
		return 1;
	}
	/* Task runners detach from the worker that started them; as their
	 * subreaper the master reaps them and can stop them on shutdown. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("event=master.no_subreaper errno=%d", errno);
	r = install_signals(&wait_mask);
	if (r < 0) {
		log_error("event=master.start_failed errno=%d msg=\"cannot install signal handlers\"", -r);
		return 1;
	}
	log_info("event=master.started listen=%s workers=%u%s", conf->listen, conf->workers,
		 listener->activated ? " socket=systemd" : "");

	for (;;) {
		struct timespec timeout = {.tv_sec = 0, .tv_nsec = 200 * 1000000L};
		struct pollfd *grown;
		size_t nfds = 0;

		if (got_chld) {
			got_chld = 0;
			reap_workers(&m);
		}
		if (got_stop && !m.stopping) {
			m.stopping = true;
			notify_systemd("STOPPING=1\nSTATUS=stopping: finishing in-flight requests");
			log_info("event=master.stopping workers=%zu", live_workers(&m));
			for (size_t i = 0; i < m.nslots; i++)
				if (m.slots[i].pid)
					signal_worker(&m.slots[i], SIGQUIT);
			/* Runners cancel their task: a copy removes what it made. */
			r = task_procs_signal(TASK_RUNNER_NAME, SIGTERM);
			if (r > 0)
				log_info("event=master.stopping_tasks runners=%d", r);
			/* It gives its leases back, so another replica takes over at once. */
			if (m.sched_pid)
				kill(m.sched_pid, SIGTERM);
			m.runners_deadline_ms = now_ms() + RUNNERS_STOP_MS;
		}
		if (got_usr1) {
			got_usr1 = 0;
			r = log_reopen();
			log_info("event=log.reopened%s", r < 0 ? " msg=\"reopen failed\"" : "");
			for (size_t i = 0; i < m.nslots; i++)
				if (m.slots[i].pid)
					kill(m.slots[i].pid, SIGUSR1);
			if (m.sched_pid)
				kill(m.sched_pid, SIGUSR1);
		}
		if (got_hup && !m.stopping) {
			got_hup = 0;
			reload(&m);
		}
		if (m.stopping && live_workers(&m) == 0 && runners_stopped(&m))
			break;
		if (!m.stopping) {
			shape_pool(&m);
			shape_scheduler(&m);
		}
		kill_overdue(&m);
		chase_stopping(&m);

		grown = realloc(fds, (m.nslots ? m.nslots : 1) * sizeof(*fds));
		if (!grown) {
			log_error("event=master.oom");
			continue;
		}
		fds = grown;
		for (size_t i = 0; i < m.nslots; i++)
			if (m.slots[i].pid && m.slots[i].ready_fd >= 0)
				fds[nfds++] = (struct pollfd){.fd = m.slots[i].ready_fd, .events = POLLIN};
		if (ppoll(fds, nfds, &timeout, &wait_mask) > 0)
			take_ready_reports(&m, fds, nfds);
		if (!m.stopping) {
			notify_when_whole(&m);
			notify_status(&m);
		}
	}

	log_info("event=master.stopped");
	free(fds);
	free(m.slots);
	conf_free(m.conf);
	free(m.conf);
	return 0;
}
