/* SPDX-License-Identifier: Apache-2.0 */
/* sched_runner.c - "rbd-rest-api --run-scheduler": makes and prunes the
 * snapshots that snapshot schedules (sched_store.h) ask for.
 *
 * The master starts one on each replica (snapshot_scheduler = true) and
 * starts it again if it dies; it connects to the cluster after its exec.
 * Every tick (schedule_tick_ms) it reads the schedules of each pool, and
 * works on a pool only while it holds that pool's lease (sched_lease.h, on
 * the schedules object): one scheduler of all replicas is active per pool,
 * and when it dies another takes over once the lease runs out.
 *
 * Time is cut in slots: start_time + k * interval. For each schedule it
 * acts once per slot, for the slot now falls in, so after any downtime it
 * makes one catch-up snapshot, not one for every slot missed. The
 * snapshot's name is the prefix and the slot's UTC time, so two
 * schedulers that both believed they held the lease (one paused past its
 * lease) still make one snapshot per slot (the second gets EEXIST), and
 * the schedule prunes only the snapshots whose name is its prefix and a
 * time: never one it did not make.
 *
 * A pool's schedule covers every image of the pool, a namespace's every
 * image of it; the most specific schedule wins, so an image with its own
 * schedule (or in a namespace with one) is not also served by the pool's. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "ceph.h"
#include "conf.h"
#include "image_directory.h"
#include "image_query.h"
#include "json_in.h"
#include "json_out.h"
#include "log.h"
#include "sched_lease.h"
#include "sched_runner.h"
#include "sched_spec.h"
#include "sched_store.h"

#define LEASE_NAME "rbd_rest_api.scheduler"
/* The lease outlasts this many ticks without a renewal... */
#define LEASE_TICKS 6
/* ...and never less than this (a renewal is a round trip). */
#define LEASE_MIN_MS 3000
#define CONNECT_RETRY_MS 2000
#define ERROR_MAX 512

static volatile sig_atomic_t got_stop, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_stop = 1;
}

/* What one run of one schedule did, for its state. */
struct run_outcome {
	unsigned images, made, pruned, failed;
	char error[ERROR_MAX]; /* the first failure */
};

static void note_failure(struct run_outcome *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_failure(struct run_outcome *out, const char *fmt, ...)
{
	va_list ap;

	out->failed++;
	if (out->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

/* "pool/[ns/]image", for logs and errors. */
static const char *spec_text(const char *pool, const char *ns, const char *image, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", pool, ns, *ns ? "/" : "", image);
	return buf;
}

static int newest_first(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Removes the snapshots of the open image that spec made and its
 * retention no longer keeps. */
static void prune(rbd_image_t image, const struct sched_spec *spec, const char *where,
		  struct run_outcome *out)
{
	rbd_snap_info_t *snaps = NULL;
	time_t *times = NULL;
	bool *kept = NULL;
	size_t n = 0;
	int count, r;

	count = image_snapshots(image, &snaps);
	if (count < 0) {
		note_failure(out, "listing the snapshots of %s failed: %s", where, strerror(-count));
		return;
	}
	times = calloc((size_t)count + 1, sizeof(*times));
	kept = calloc((size_t)count + 1, sizeof(*kept));
	if (!times || !kept) {
		note_failure(out, "out of memory pruning %s", where);
		goto out;
	}
	for (int i = 0; i < count; i++)
		if (sched_snap_time(spec->prefix, snaps[i].name, &times[n]))
			n++;
	qsort(times, n, sizeof(*times), newest_first);
	sched_retain(times, n, &spec->keep, kept);
	for (size_t i = 0; i < n; i++) {
		char name[SCHED_SNAP_NAME_MAX];

		if (kept[i] || sched_snap_name(spec->prefix, times[i], name, sizeof(name)) < 0)
			continue;
		r = rbd_snap_remove(image, name);
		if (r == 0) {
			out->pruned++;
			log_info("event=schedule.pruned image=%s snapshot=%s", where, name);
		} else if (r != -ENOENT) {
			note_failure(out, "removing snapshot %s of %s failed: %s", name, where,
				     strerror(-r));
		}
	}
out:
	free(times);
	free(kept);
	image_snapshots_free(snaps);
}

/* The slot's snapshot of one image, then its pruning. */
static void serve_image(rados_ioctx_t ioctx, const char *pool, const char *ns, const char *name,
			const struct sched_spec *spec, time_t slot_time, struct run_outcome *out)
{
	char where[800], snap[SCHED_SNAP_NAME_MAX];
	rbd_image_t image;
	int r;

	spec_text(pool, ns, name, where, sizeof(where));
	out->images++;
	r = sched_snap_name(spec->prefix, slot_time, snap, sizeof(snap));
	if (r < 0) {
		note_failure(out, "no snapshot name for %s: %s", where, strerror(-r));
		return;
	}
	r = rbd_open(ioctx, name, &image, NULL);
	if (r < 0) {
		if (r != -ENOENT) /* deleted meanwhile: nothing to do */
			note_failure(out, "opening %s failed: %s", where, strerror(-r));
		return;
	}
	r = rbd_snap_create(image, snap);
	if (r == 0) {
		out->made++;
		log_info("event=schedule.snapshot image=%s snapshot=%s", where, snap);
	} else if (r != -EEXIST) {
		note_failure(out, "creating snapshot %s of %s failed: %s", snap, where, strerror(-r));
	}
	prune(image, spec, where, out);
	rbd_close(image);
}

/* Does the pool's store hold a schedule for target? */
static bool has_schedule(struct json_object *all, const struct sched_target *target)
{
	char *key;
	bool found;

	if (sched_key(SCHED_KEY_SCHEDULE, target, &key) < 0)
		return false;
	found = json_object_object_get_ex(all, key, NULL);
	free(key);
	return found;
}

/* Every image of namespace ns the schedule of level serves (those with a
 * more specific schedule left out). */
static void serve_namespace(rados_t cluster, const char *pool, const char *ns,
			    enum sched_level level, struct json_object *all,
			    const struct sched_spec *spec, time_t slot_time, struct run_outcome *out)
{
	struct image_directory dir = {0};
	rados_ioctx_t ioctx;
	int r;

	if (level == SCHED_POOL && *ns &&
	    has_schedule(all, &(struct sched_target){.level = SCHED_NAMESPACE, .ns = ns}))
		return;
	r = rados_ioctx_create(cluster, pool, &ioctx);
	if (r < 0) {
		note_failure(out, "opening pool %s failed: %s", pool, strerror(-r));
		return;
	}
	rados_ioctx_set_namespace(ioctx, ns);
	r = image_directory_read(ioctx, &dir);
	if (r < 0 && r != -ENOENT)
		note_failure(out, "listing the images of %s%s%s failed: %s", pool, *ns ? "/" : "",
			     ns, strerror(-r));
	for (size_t i = 0; r == 0 && i < dir.count; i++) {
		struct sched_target own = {.level = SCHED_IMAGE, .ns = ns, .image = dir.entries[i].name};

		if (!got_stop && !has_schedule(all, &own))
			serve_image(ioctx, pool, ns, dir.entries[i].name, spec, slot_time, out);
	}
	image_directory_clear(&dir);
	rados_ioctx_destroy(ioctx);
}

static void serve_pool_namespaces(rados_t cluster, rados_ioctx_t store, const char *pool,
				  struct json_object *all, const struct sched_spec *spec,
				  time_t slot_time, struct run_outcome *out)
{
	char *names = NULL;
	size_t len = 0;
	int r;

	serve_namespace(cluster, pool, "", SCHED_POOL, all, spec, slot_time, out);
	r = namespace_names(store, &names, &len);
	if (r < 0) {
		note_failure(out, "listing the namespaces of pool %s failed: %s", pool, strerror(-r));
		return;
	}
	for (size_t at = 0; at < len && !got_stop; at += strlen(names + at) + 1)
		if (names[at])
			serve_namespace(cluster, pool, names + at, SCHED_POOL, all, spec, slot_time,
					out);
	free(names);
}

/* The state to keep after a run: JSON text, the caller's. */
static char *state_text(int64_t slot, time_t slot_time, const struct run_outcome *out)
{
	struct json_object *state = json_object_new_object();
	char run[JSON_TIME_TEXT_LEN], at[JSON_TIME_TEXT_LEN];
	char *text = NULL;

	if (!state || json_time_text(time(NULL), run) < 0 || json_time_text(slot_time, at) < 0 ||
	    json_add_i64(state, "last_slot", slot) < 0 || json_add_string(state, "last_run", run) < 0 ||
	    json_add_string(state, "last_slot_time", at) < 0 ||
	    json_add_u64(state, "images", out->images) < 0 ||
	    json_add_u64(state, "snapshots_made", out->made) < 0 ||
	    json_add_u64(state, "snapshots_pruned", out->pruned) < 0)
		goto out;
	if (out->error[0]) {
		if (json_add_string(state, "last_error", out->error) < 0)
			goto out;
	} else {
		json_object_object_add(state, "last_error", NULL);
	}
	text = strdup(json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(state);
	return text;
}

/* Runs one schedule when its slot has come; *next_due is lowered to when
 * its next slot begins. */
static void run_schedule(rados_t cluster, rados_ioctx_t store, const char *pool, const char *key,
			 struct json_object *value, struct json_object *all, time_t now,
			 time_t *next_due)
{
	struct run_outcome out = {0};
	struct sched_target target;
	struct sched_spec spec;
	struct json_object *state;
	char err[512], *target_text = NULL, *state_key = NULL, *text = NULL;
	const char *schedule_text;
	int64_t slot, last_slot = -1;
	time_t slot_time, next;
	int r;

	target_text = strdup(key + strlen(SCHED_KEY_SCHEDULE));
	if (!target_text || sched_key_target(target_text, &target) < 0)
		goto out;
	if (sched_spec_from_json(value, 1, &spec, err, sizeof(err)) < 0) {
		log_error("event=schedule.unreadable pool=%s key=\"%s\" msg=\"%s\"", pool, key, err);
		goto out;
	}
	slot = sched_slot_at(&spec, now);
	next = sched_slot_time(&spec, slot + 1);
	if (next < *next_due)
		*next_due = next;
	if (slot < 0 || sched_key(SCHED_KEY_STATE, &target, &state_key) < 0)
		goto out;
	if (json_object_object_get_ex(all, state_key, &state))
		last_slot = json_object_get_int64(json_object_object_get(state, "last_slot"));
	if (last_slot >= slot)
		goto out;
	slot_time = sched_slot_time(&spec, slot);
	if (target.level == SCHED_IMAGE) {
		rados_ioctx_t ioctx;

		r = rados_ioctx_create(cluster, pool, &ioctx);
		if (r < 0) {
			note_failure(&out, "opening pool %s failed: %s", pool, strerror(-r));
		} else {
			rados_ioctx_set_namespace(ioctx, target.ns);
			serve_image(ioctx, pool, target.ns, target.image, &spec, slot_time, &out);
			rados_ioctx_destroy(ioctx);
		}
	} else if (target.level == SCHED_NAMESPACE) {
		serve_namespace(cluster, pool, target.ns, SCHED_NAMESPACE, all, &spec, slot_time, &out);
	} else {
		serve_pool_namespaces(cluster, store, pool, all, &spec, slot_time, &out);
	}
	if (got_stop && !out.error[0])
		goto out; /* cut short: the next scheduler does the slot again */
	text = state_text(slot, slot_time, &out);
	schedule_text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
	r = text ? sched_store_put_state(store, key, schedule_text, state_key, text) : -ENOMEM;
	if (r < 0 && r != -ECANCELED)
		log_error("event=schedule.state_failed pool=%s key=\"%s\" errno=%d", pool, key, -r);
	log_info("event=schedule.ran pool=%s schedule=\"%s\" slot=%" PRId64
		 " images=%u made=%u pruned=%u failed=%u",
		 pool, key, slot, out.images, out.made, out.pruned, out.failed);
out:
	free(text);
	free(state_key);
	free(target_text);
}

/* Pools whose lease this scheduler holds, NUL-separated: released on a
 * clean stop so another replica takes over at once. */
struct held_pools {
	char *names;
	size_t len;
};

static bool held(const struct held_pools *h, const char *pool)
{
	for (size_t at = 0; at < h->len; at += strlen(h->names + at) + 1)
		if (strcmp(h->names + at, pool) == 0)
			return true;
	return false;
}

static void hold(struct held_pools *h, const char *pool)
{
	size_t n = strlen(pool) + 1;
	char *grown;

	if (held(h, pool))
		return;
	grown = realloc(h->names, h->len + n);
	if (!grown)
		return;
	memcpy(grown + h->len, pool, n);
	h->names = grown;
	h->len += n;
}

static void unhold(struct held_pools *h, const char *pool)
{
	for (size_t at = 0; at < h->len; at += strlen(h->names + at) + 1) {
		size_t n = strlen(h->names + at) + 1;

		if (strcmp(h->names + at, pool) == 0) {
			memmove(h->names + at, h->names + at + n, h->len - at - n);
			h->len -= n;
			return;
		}
	}
}

/* One pool: its schedules, its lease, the schedules due. Returns a
 * negative errno only when the cluster refused this client. */
static int serve_pool(rados_t cluster, const char *pool, struct sched_lease *lease,
		      struct held_pools *h, time_t *next_due)
{
	struct json_object *all = NULL;
	rados_ioctx_t store;
	bool any = false;
	int r;

	r = rados_ioctx_create(cluster, pool, &store);
	if (r < 0)
		return r == -ESHUTDOWN ? r : 0;
	r = sched_store_read(store, &all);
	if (r < 0)
		goto out;
	json_object_object_foreach(all, key, value) {
		(void)value;
		any = any || strncmp(key, SCHED_KEY_SCHEDULE, strlen(SCHED_KEY_SCHEDULE)) == 0;
	}
	if (!any) {
		if (held(h, pool))
			sched_lease_release(lease, store);
		unhold(h, pool);
		goto out;
	}
	r = sched_lease_hold(lease, store);
	if (r < 0) {
		if (held(h, pool))
			log_warn("event=schedule.lease_lost pool=%s errno=%d", pool, -r);
		unhold(h, pool);
		goto out;
	}
	if (!held(h, pool))
		log_info("event=schedule.lease_taken pool=%s", pool);
	hold(h, pool);
	json_object_object_foreach(all, k, v) {
		if (got_stop)
			break;
		if (strncmp(k, SCHED_KEY_SCHEDULE, strlen(SCHED_KEY_SCHEDULE)) == 0)
			run_schedule(cluster, store, pool, k, v, all, time(NULL), next_due);
	}
out:
	json_object_put(all);
	rados_ioctx_destroy(store);
	return r == -ESHUTDOWN ? r : 0;
}

static void release_all(rados_t cluster, struct sched_lease *lease, struct held_pools *h)
{
	for (size_t at = 0; at < h->len; at += strlen(h->names + at) + 1) {
		rados_ioctx_t ioctx;

		if (rados_ioctx_create(cluster, h->names + at, &ioctx) < 0)
			continue;
		sched_lease_release(lease, ioctx);
		rados_ioctx_destroy(ioctx);
	}
	h->len = 0;
}

/* Sleeps ms, or less when a signal comes. */
static void nap(long long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	if (ms > 0 && !got_stop)
		nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Ticks until stopped on one connection; a negative errno when the
 * cluster refused the client (the caller connects a new one). */
static int run(rados_t cluster, const struct conf *conf, struct sched_lease *lease,
	       struct held_pools *h)
{
	while (!got_stop) {
		long long tick_end = now_ms() + conf->schedule_tick_ms, wake;
		time_t next_due = (time_t)(tick_end / 1000) + 3600;
		char *names = NULL;
		size_t len = 0;
		int r;

		if (got_usr1) {
			got_usr1 = 0;
			log_reopen();
		}
		r = ceph_pool_names(cluster, &names, &len);
		if (r == -ESHUTDOWN)
			return r;
		for (size_t at = 0; r == 0 && at < len && !got_stop; at += strlen(names + at) + 1)
			r = serve_pool(cluster, names + at, lease, h, &next_due);
		free(names);
		if (r == -ESHUTDOWN)
			return r;
		/* Wake at the next tick, or sooner when a slot begins. */
		wake = (long long)next_due * 1000;
		nap((wake < tick_end ? wake : tick_end) - now_ms());
	}
	return 0;
}

static int parse_settings(int argc, char **argv, struct conf *conf)
{
	char err[512];

	if (conf_init(conf) < 0)
		return -ENOMEM;
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (strncmp(argv[i], "--", 2) != 0 || !eq) {
			fprintf(stderr, "rbd-rest-api %s: unexpected argument \"%s\"\n",
				SCHED_RUNNER_FLAG, argv[i]);
			return -EINVAL;
		}
		*eq = '\0';
		if (conf_set(conf, argv[i] + 2, eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "rbd-rest-api %s: %s\n", SCHED_RUNNER_FLAG, err);
			return -EINVAL;
		}
	}
	return 0;
}

int sched_runner_main(int argc, char **argv)
{
	struct held_pools h = {0};
	struct sched_lease lease;
	struct sigaction sa;
	struct conf conf;
	unsigned lease_ms;
	int status = 1;

	if (parse_settings(argc, argv, &conf) < 0)
		goto out;
	log_set_threshold(conf.log_level);
	if (log_to_file(conf.log_file) < 0)
		goto out;
	/* Started as /proc/self/exe, it would show as "exe" in ps and top. */
	prctl(PR_SET_NAME, SCHED_RUNNER_NAME);
	/* Without its master nobody would stop it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	lease_ms = conf.schedule_tick_ms * LEASE_TICKS;
	if (lease_ms < LEASE_MIN_MS)
		lease_ms = LEASE_MIN_MS;
	log_info("event=scheduler.started tick_ms=%u lease_ms=%u", conf.schedule_tick_ms, lease_ms);
	while (!got_stop) {
		char why[CEPH_WHY_MAX];
		rados_t cluster;
		int r = ceph_connect_once(&conf, &cluster, why, sizeof(why));

		if (r < 0) {
			log_error("event=scheduler.connect_failed errno=%d msg=\"%s\"", -r, why);
			nap(CONNECT_RETRY_MS);
			continue;
		}
		/* A new client is a new holder: what the old one held, it lost. */
		sched_lease_init(&lease, SCHED_OBJECT, LEASE_NAME, lease_ms);
		h.len = 0;
		r = run(cluster, &conf, &lease, &h);
		if (r < 0)
			log_warn("event=scheduler.client_refused errno=%d msg=\"connecting a new client\"",
				 -r);
		else
			release_all(cluster, &lease, &h);
		rados_shutdown(cluster);
	}
	log_info("event=scheduler.stopped");
	status = 0;
out:
	free(h.names);
	conf_free(&conf);
	return status;
}
