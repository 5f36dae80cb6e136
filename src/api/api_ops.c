/* SPDX-License-Identifier: Apache-2.0 */
/* api_ops.c - GET /api/v1/status and GET /api/v1/metrics: the whole
 * pool as seen through the shared scoreboard, from whichever worker
 * answers. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json_out.h"
#include "routes.h"
#include "scoreboard.h"

static const char *const state_names[] = {"free", "starting", "idle", "busy", "stopping"};

static const char *state_name(uint32_t state)
{
	return state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : "?";
}

/* A worker is busy while any of its threads is; its own state says only
 * starting, idle (running) or stopping. */
static uint32_t worker_state(const struct worker_score *w)
{
	uint32_t state = __atomic_load_n(&w->state, __ATOMIC_ACQUIRE);

	if (state != WORKER_IDLE)
		return state;
	for (size_t t = 0; t < SCOREBOARD_THREADS; t++)
		if (__atomic_load_n(&w->threads[t].state, __ATOMIC_ACQUIRE) == WORKER_BUSY)
			return WORKER_BUSY;
	return state;
}

/* {"request_id","method","uri","age_ms"} of a thread's request, or null. */
static int add_current(struct json_object *item, const struct thread_score *t, int64_t now)
{
	struct json_object *current;
	int r;

	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != WORKER_BUSY)
		return json_object_object_add(item, "current", NULL) < 0 ? -ENOMEM : 0;
	current = json_object_new_object();
	if (!current || json_object_object_add(item, "current", current) < 0) {
		json_object_put(current);
		return -ENOMEM;
	}
	r = json_add_string(current, "request_id", t->request_id);
	if (r == 0)
		r = json_add_string(current, "method", t->method);
	if (r == 0)
		r = json_add_string(current, "uri", t->uri);
	if (r == 0)
		r = json_add_i64(current, "age_ms", now - t->request_started_ms);
	return r;
}

/* Every request thread of w: its state, requests served, and request. */
static int add_threads(struct json_object *item, const struct worker_score *w, int64_t now)
{
	struct json_object *threads = json_object_new_array();
	uint32_t n = __atomic_load_n(&w->nthreads, __ATOMIC_ACQUIRE);
	int r = 0;

	if (!threads || json_object_object_add(item, "threads", threads) < 0) {
		json_object_put(threads);
		return -ENOMEM;
	}
	for (uint32_t i = 0; r == 0 && i < n && i < SCOREBOARD_THREADS; i++) {
		const struct thread_score *t = &w->threads[i];
		struct json_object *thread = json_object_new_object();
		uint32_t state = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);

		if (json_array_take(threads, thread) < 0)
			return -ENOMEM;
		r = json_add_string(thread, "state", state_name(state));
		if (r == 0)
			r = json_add_u64(thread, "requests",
					 __atomic_load_n(&t->requests, __ATOMIC_RELAXED));
		if (r == 0)
			r = add_current(thread, t, now);
	}
	return r;
}

static int add_worker(struct json_object *items, const struct worker_score *w, uint32_t state,
		      int64_t now)
{
	struct json_object *item = json_object_new_object();
	const struct thread_score *busy = &w->threads[0];
	int r;

	if (json_array_take(items, item) < 0) {
		return -ENOMEM;
	}
	/* "current" stays the worker's oldest request, as before threads. */
	for (size_t t = 0; t < SCOREBOARD_THREADS; t++)
		if (__atomic_load_n(&w->threads[t].state, __ATOMIC_ACQUIRE) == WORKER_BUSY &&
		    (busy->state != WORKER_BUSY ||
		     w->threads[t].request_started_ms < busy->request_started_ms))
			busy = &w->threads[t];
	r = json_add_i64(item, "pid", w->pid);
	if (r == 0)
		r = json_add_string(item, "state", state_name(state));
	if (r == 0)
		r = json_add_u64(item, "requests", scoreboard_worker_requests(w));
	if (r == 0)
		r = json_add_bool(item, "connected", (int)w->connected);
	if (r == 0)
		r = w->client[0] ? json_add_string(item, "client", w->client)
				 : (json_object_object_add(item, "client", NULL) < 0 ? -ENOMEM : 0);
	if (r == 0)
		r = json_add_i64(item, "age_seconds", (now - w->started_ms) / 1000);
	if (r == 0)
		r = add_current(item, busy, now);
	if (r == 0)
		r = add_threads(item, w, now);
	return r;
}

/* One transfer in flight: who moves what, how far, how fast. */
static int add_transfer(struct json_object *items, const struct worker_score *w,
			const struct thread_score *t, int64_t now)
{
	struct json_object *item = json_object_new_object();
	uint64_t bytes = __atomic_load_n(&t->transfer_bytes, __ATOMIC_RELAXED);
	int64_t ms = now - t->transfer_started_ms;
	int r;

	if (json_array_take(items, item) < 0)
		return -ENOMEM;
	r = json_add_string(item, "user", t->transfer_user);
	if (r == 0)
		r = json_add_string(item, "image", t->transfer_image);
	if (r == 0)
		r = json_add_string(item, "direction", t->transfer_direction);
	if (r == 0)
		r = json_add_u64(item, "bytes", bytes);
	if (r == 0)
		r = json_add_u64(item, "total", t->transfer_total);
	if (r == 0)
		r = json_add_u64(item, "bytes_per_second", ms > 0 ? bytes * 1000 / (uint64_t)ms : 0);
	if (r == 0)
		r = json_add_i64(item, "age_ms", ms);
	if (r == 0)
		r = json_add_string(item, "request_id", t->request_id);
	if (r == 0)
		r = json_add_i64(item, "pid", w->pid);
	return r;
}

/* "transfers": every transfer of image content in flight, all workers. */
static int add_transfers(struct json_object *body, const struct scoreboard *board, int64_t now)
{
	struct json_object *items = json_object_new_array();
	int r = 0;

	if (!items || json_object_object_add(body, "transfers", items) < 0) {
		json_object_put(items);
		return -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < SCOREBOARD_SLOTS; i++) {
		const struct worker_score *w = &board->workers[i];

		if (!w->pid || worker_state(w) == WORKER_FREE)
			continue;
		for (size_t t = 0; r == 0 && t < SCOREBOARD_THREADS; t++)
			if (__atomic_load_n(&w->threads[t].transfer, __ATOMIC_ACQUIRE))
				r = add_transfer(items, w, &w->threads[t], now);
	}
	return r;
}

int api_status(struct request *req, struct response *resp)
{
	const struct scoreboard *board = req->env->board;
	struct json_object *body, *items, *counts = NULL;
	unsigned by_state[5] = {0};
	int64_t now = scoreboard_now_ms();
	int r = 0;

	body = json_list_envelope("ServiceStatus", &items);
	if (!body)
		return response_oom(resp);
	for (size_t i = 0; r == 0 && i < SCOREBOARD_SLOTS; i++) {
		const struct worker_score *w = &board->workers[i];
		uint32_t state = worker_state(w);

		if (state == WORKER_FREE || !w->pid)
			continue;
		by_state[state < 5 ? state : 0]++;
		r = add_worker(items, w, state, now);
	}
	counts = json_object_new_object();
	if (r == 0 && counts && json_object_object_add(body, "workers", counts) == 0) {
		for (size_t s = WORKER_STARTING; r == 0 && s <= WORKER_STOPPING; s++)
			r = json_add_u64(counts, state_names[s], by_state[s]);
	} else {
		json_object_put(counts);
		r = -ENOMEM;
	}
	if (r == 0)
		r = json_add_i64(body, "uptime_seconds", (now - board->started_ms) / 1000);
	if (r == 0)
		r = json_add_u64(body, "requests", scoreboard_requests_served(board));
	if (r == 0)
		r = json_add_u64(body, "respawns", board->respawns);
	if (r == 0)
		r = json_add_u64(body, "timeouts", board->timeouts);
	if (r == 0)
		r = json_add_u64(body, "clients_refused", board->ceph_lost);
	if (r == 0)
		r = json_add_u64(body, "reconnects", board->ceph_reconnects);
	if (r == 0)
		r = add_transfers(body, board, now);
	if (r < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

static void write_route_metrics(FILE *out, const struct scoreboard *board)
{
	fprintf(out, "# HELP rbd_rest_api_requests_total Requests answered, by route and status code.\n"
		     "# TYPE rbd_rest_api_requests_total counter\n");
	for (size_t r = 0; r <= api_nroutes && r <= SCOREBOARD_ROUTES; r++) {
		const struct route_counters *c = &board->routes[r < api_nroutes ? r : SCOREBOARD_ROUTES];
		const char *method = r < api_nroutes ? http_method_name(api_routes[r].method) : "";
		const char *route = r < api_nroutes ? api_routes[r].pattern : "unmatched";

		for (size_t k = 0; k < SCOREBOARD_CODES; k++) {
			uint64_t n = __atomic_load_n(&c->by_code[k], __ATOMIC_RELAXED);

			if (n)
				fprintf(out, "rbd_rest_api_requests_total{method=\"%s\",route=\"%s\",code=\"%d\"} %llu\n",
					method, route, scoreboard_codes[k], (unsigned long long)n);
		}
	}
	fprintf(out, "# HELP rbd_rest_api_request_duration_seconds Time to answer, by route.\n"
		     "# TYPE rbd_rest_api_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= api_nroutes && r <= SCOREBOARD_ROUTES; r++) {
		const struct route_counters *c = &board->routes[r < api_nroutes ? r : SCOREBOARD_ROUTES];
		const char *method = r < api_nroutes ? http_method_name(api_routes[r].method) : "";
		const char *route = r < api_nroutes ? api_routes[r].pattern : "unmatched";
		uint64_t count = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
		uint64_t cumulative = 0;

		if (!count)
			continue;
		for (size_t b = 0; b < SCOREBOARD_BUCKETS; b++) {
			cumulative += __atomic_load_n(&c->buckets[b], __ATOMIC_RELAXED);
			if (b + 1 < SCOREBOARD_BUCKETS)
				fprintf(out, "rbd_rest_api_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
					method, route, scoreboard_bounds[b], (unsigned long long)cumulative);
			else
				fprintf(out, "rbd_rest_api_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
					method, route, (unsigned long long)cumulative);
		}
		fprintf(out, "rbd_rest_api_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
			method, route, (double)__atomic_load_n(&c->sum_us, __ATOMIC_RELAXED) / 1e6);
		fprintf(out, "rbd_rest_api_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
			method, route, (unsigned long long)count);
	}
}

static unsigned threads_in(const struct scoreboard *board, uint32_t state)
{
	unsigned n = 0;

	for (size_t i = 0; i < SCOREBOARD_SLOTS; i++) {
		const struct worker_score *w = &board->workers[i];

		if (!w->pid || __atomic_load_n(&w->state, __ATOMIC_ACQUIRE) == WORKER_FREE)
			continue;
		for (size_t t = 0; t < SCOREBOARD_THREADS; t++)
			n += __atomic_load_n(&w->threads[t].state, __ATOMIC_ACQUIRE) == state;
	}
	return n;
}

static void write_worker_metrics(FILE *out, const struct scoreboard *board)
{
	unsigned by_state[5] = {0};

	fprintf(out, "# HELP rbd_rest_api_worker_requests_total Requests served, by worker.\n"
		     "# TYPE rbd_rest_api_worker_requests_total counter\n");
	for (size_t i = 0; i < SCOREBOARD_SLOTS; i++) {
		const struct worker_score *w = &board->workers[i];
		uint32_t state = worker_state(w);

		if (state == WORKER_FREE || !w->pid)
			continue;
		by_state[state < 5 ? state : 0]++;
		fprintf(out, "rbd_rest_api_worker_requests_total{pid=\"%d\"} %llu\n", (int)w->pid,
			(unsigned long long)scoreboard_worker_requests(w));
	}
	fprintf(out, "# HELP rbd_rest_api_worker_cluster_connected Whether the worker's Ceph connection is up.\n"
		     "# TYPE rbd_rest_api_worker_cluster_connected gauge\n");
	for (size_t i = 0; i < SCOREBOARD_SLOTS; i++) {
		const struct worker_score *w = &board->workers[i];

		if (w->state != WORKER_FREE && w->pid)
			fprintf(out, "rbd_rest_api_worker_cluster_connected{pid=\"%d\"} %u\n", (int)w->pid,
				w->connected);
	}
	fprintf(out, "# HELP rbd_rest_api_workers Worker processes, by state.\n"
		     "# TYPE rbd_rest_api_workers gauge\n");
	for (size_t s = WORKER_STARTING; s <= WORKER_STOPPING; s++)
		fprintf(out, "rbd_rest_api_workers{state=\"%s\"} %u\n", state_names[s], by_state[s]);
	fprintf(out, "# HELP rbd_rest_api_threads Request threads of all workers, by state.\n"
		     "# TYPE rbd_rest_api_threads gauge\n");
	fprintf(out, "rbd_rest_api_threads{state=\"idle\"} %u\n", threads_in(board, WORKER_IDLE));
	fprintf(out, "rbd_rest_api_threads{state=\"busy\"} %u\n", threads_in(board, WORKER_BUSY));
	fprintf(out, "# HELP rbd_rest_api_worker_respawns_total Workers replaced after dying.\n"
		     "# TYPE rbd_rest_api_worker_respawns_total counter\n"
		     "rbd_rest_api_worker_respawns_total %llu\n"
		     "# HELP rbd_rest_api_worker_timeouts_total Workers killed past request_timeout.\n"
		     "# TYPE rbd_rest_api_worker_timeouts_total counter\n"
		     "rbd_rest_api_worker_timeouts_total %llu\n"
		     "# HELP rbd_rest_api_cluster_clients_refused_total Worker clients the cluster refused (blocklisted, or session ended).\n"
		     "# TYPE rbd_rest_api_cluster_clients_refused_total counter\n"
		     "rbd_rest_api_cluster_clients_refused_total %llu\n"
		     "# HELP rbd_rest_api_cluster_reconnects_total New cluster clients connected in place of refused ones.\n"
		     "# TYPE rbd_rest_api_cluster_reconnects_total counter\n"
		     "rbd_rest_api_cluster_reconnects_total %llu\n"
		     "# HELP rbd_rest_api_data_bytes_total Image content moved, by direction (in: uploads, out: downloads).\n"
		     "# TYPE rbd_rest_api_data_bytes_total counter\n"
		     "rbd_rest_api_data_bytes_total{direction=\"in\"} %llu\n"
		     "rbd_rest_api_data_bytes_total{direction=\"out\"} %llu\n"
		     "# HELP rbd_rest_api_transfers_broken_total Transfers whose client went away midway.\n"
		     "# TYPE rbd_rest_api_transfers_broken_total counter\n"
		     "rbd_rest_api_transfers_broken_total %llu\n"
		     "# HELP rbd_rest_api_uptime_seconds Seconds since the master started.\n"
		     "# TYPE rbd_rest_api_uptime_seconds gauge\n"
		     "rbd_rest_api_uptime_seconds %lld\n",
		(unsigned long long)board->respawns, (unsigned long long)board->timeouts,
		(unsigned long long)__atomic_load_n(&board->ceph_lost, __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&board->ceph_reconnects, __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&board->data_bytes_in, __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&board->data_bytes_out, __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&board->transfers_broken, __ATOMIC_RELAXED),
		(long long)((scoreboard_now_ms() - board->started_ms) / 1000));
}

int api_metrics(struct request *req, struct response *resp)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return response_oom(resp);
	write_route_metrics(out, req->env->board);
	write_worker_metrics(out, req->env->board);
	if (fclose(out) != 0) {
		free(text);
		return response_fail(resp, -ENOMEM, "out of memory rendering metrics");
	}
	response_text(resp, 200, text, "text/plain; version=0.0.4; charset=utf-8");
	return 0;
}
