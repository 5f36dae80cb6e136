/* SPDX-License-Identifier: Apache-2.0 */
/* scoreboard.c - the shared scoreboard (see scoreboard.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "scoreboard.h"

const int scoreboard_codes[SCOREBOARD_CODES] = {
	200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415,
	500, 502, 503, 504, 507, 206, 304, 411, 416, 429, 0, 0,
};

const double scoreboard_bounds[SCOREBOARD_BUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 1e300,
};

struct scoreboard *scoreboard_create(void)
{
	struct scoreboard *board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	pthread_mutexattr_t attr;

	if (board == MAP_FAILED)
		return NULL;
	board->started_ms = scoreboard_now_ms();
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	for (size_t i = 0; i < IMAGE_LOCKS; i++)
		pthread_mutex_init(&board->image_locks[i], &attr);
	pthread_mutexattr_destroy(&attr);
	return board;
}

uint64_t scoreboard_requests_served(const struct scoreboard *board)
{
	uint64_t total = 0;

	for (size_t i = 0; i <= SCOREBOARD_ROUTES; i++)
		total += __atomic_load_n(&board->routes[i].count, __ATOMIC_RELAXED);
	return total;
}

int64_t scoreboard_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t scoreboard_worker_requests(const struct worker_score *w)
{
	uint64_t total = 0;

	for (size_t i = 0; i < SCOREBOARD_THREADS; i++)
		total += __atomic_load_n(&w->threads[i].requests, __ATOMIC_RELAXED);
	return total;
}

void scoreboard_request_begin(struct thread_score *slot, const char *request_id,
			      const char *method, const char *uri)
{
	snprintf(slot->request_id, sizeof(slot->request_id), "%s", request_id);
	snprintf(slot->method, sizeof(slot->method), "%s", method);
	snprintf(slot->uri, sizeof(slot->uri), "%s", uri);
	slot->request_started_ms = scoreboard_now_ms();
	__atomic_store_n(&slot->state, WORKER_BUSY, __ATOMIC_RELEASE);
}

int64_t scoreboard_request_alive_ms(const struct thread_score *slot)
{
	int64_t alive = __atomic_load_n(&slot->alive_ms, __ATOMIC_RELAXED);

	return alive > slot->request_started_ms ? alive : slot->request_started_ms;
}

void scoreboard_request_end(struct scoreboard *board, struct thread_score *slot, int route,
			    int status, double seconds)
{
	struct route_counters *c =
		&board->routes[route >= 0 && route < SCOREBOARD_ROUTES ? route : SCOREBOARD_ROUTES];
	size_t code = SCOREBOARD_CODES - 1;

	for (size_t i = 0; i < SCOREBOARD_CODES; i++)
		if (scoreboard_codes[i] == status)
			code = i;
	__atomic_fetch_add(&c->by_code[code], 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < SCOREBOARD_BUCKETS; i++)
		if (seconds <= scoreboard_bounds[i]) {
			__atomic_fetch_add(&c->buckets[i], 1, __ATOMIC_RELAXED);
			break;
		}
	__atomic_fetch_add(&c->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->sum_us, (uint64_t)(seconds * 1e6), __ATOMIC_RELAXED);
	/* Read by other threads (status, metrics) while this one writes. */
	__atomic_add_fetch(&slot->requests, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->state, WORKER_IDLE, __ATOMIC_RELEASE);
}
