/* SPDX-License-Identifier: Apache-2.0 */
/* api_snapshot_schedules.c - .../snapshot-schedules of a pool, of a
 * namespace and of an image, and their /status.
 *
 * Handlers only validate and keep schedules in the cluster (sched_store.h);
 * the scheduler process (sched_runner.c) makes and prunes the snapshots.
 * One schedule per pool, namespace or image: the most specific one that
 * exists serves an image. A listing shows the schedules at the level
 * asked and below (a pool's lists its namespaces' and images' too). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "conf.h"
#include "json_out.h"
#include "router.h"
#include "routes.h"
#include "sched_spec.h"
#include "sched_store.h"

const struct field_spec snapshot_schedule_fields[] = {
	{"interval", FIELD_STRING, 1},
	{"start_time", FIELD_STRING, 0},
	{"keep", FIELD_OBJECT, 1},
	{"prefix", FIELD_STRING, 0},
	{NULL, 0, 0},
};

const struct field_spec keep_fields[] = {
	{"last", FIELD_UINT, 0},
	{"hourly", FIELD_UINT, 0},
	{"daily", FIELD_UINT, 0},
	{"weekly", FIELD_UINT, 0},
	{NULL, 0, 0},
};

/* The schedule a request is about, and how messages name it. */
struct schedule_ref {
	const char *pool;
	struct sched_target target;
	char what[IMAGE_SPEC_MAX + 32]; /* "pool rbd", "namespace rbd/ns", "image rbd/vol1" */
};

static void schedule_ref(struct schedule_ref *ref, const struct request *req)
{
	char spec[IMAGE_SPEC_MAX];

	ref->pool = request_capture(req, "pool");
	ref->target.ns = api_namespace(req);
	ref->target.image = request_capture(req, "image");
	if (ref->target.image) {
		ref->target.level = SCHED_IMAGE;
		snprintf(ref->what, sizeof(ref->what), "image %s",
			 api_image_spec(ref->pool, ref->target.ns, ref->target.image, spec,
					sizeof(spec)));
	} else if (*ref->target.ns) {
		ref->target.level = SCHED_NAMESPACE;
		snprintf(ref->what, sizeof(ref->what), "namespace %s/%s", ref->pool, ref->target.ns);
	} else {
		ref->target.level = SCHED_POOL;
		snprintf(ref->what, sizeof(ref->what), "pool %s", ref->pool);
	}
}

/* 404 unless the pool, the namespace and the image of ref exist; then
 * the io context of the pool's default namespace, where schedules live. */
static int require_target(struct request *req, struct response *resp,
			  const struct schedule_ref *ref, rados_ioctx_t *store)
{
	struct image_ref image;
	rados_ioctx_t ioctx;
	rbd_image_t opened;
	int r;

	if (ref->target.level == SCHED_IMAGE) {
		/* Opened only to see that it exists; the request closes it. */
		r = api_image_use(req, resp, &image, &ioctx, &opened);
		if (r < 0)
			return r;
	} else {
		r = api_ioctx(req, resp, ref->pool, "", &ioctx);
		if (r < 0)
			return r;
		r = api_require_namespace(resp, ioctx, ref->pool, ref->target.ns);
		if (r < 0)
			return r;
	}
	return api_ioctx(req, resp, ref->pool, "", store);
}

/* Is a stored target at ref's level or below it? */
static bool covered(const struct schedule_ref *ref, const struct sched_target *t)
{
	switch (ref->target.level) {
	case SCHED_POOL: return true;
	case SCHED_NAMESPACE: return t->level != SCHED_POOL && strcmp(t->ns, ref->target.ns) == 0;
	case SCHED_IMAGE:
		return t->level == SCHED_IMAGE && strcmp(t->ns, ref->target.ns) == 0 &&
		       strcmp(t->image, ref->target.image) == 0;
	}
	return false;
}

/* Where the schedule is: level, pool, namespace, image (image level). */
static int add_target(struct json_object *item, const char *pool, const struct sched_target *t)
{
	if (json_add_string(item, "level", sched_level_name(t->level)) < 0 ||
	    json_add_name(item, "pool", pool, "pool") < 0 ||
	    json_add_name(item, "namespace", t->ns, "namespace") < 0)
		return -ENOMEM;
	if (t->level == SCHED_IMAGE && json_add_name(item, "image", t->image, "image") < 0)
		return -ENOMEM;
	return 0;
}

/* Copies schedule's fields (interval, start_time, keep, prefix) into item. */
static int add_schedule(struct json_object *item, struct json_object *schedule)
{
	json_object_object_foreach(schedule, key, value) {
		if (json_object_object_add(item, key, json_object_get(value)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* A time field: RFC 3339 UTC, or null. */
static int add_time_or_null(struct json_object *item, const char *key, time_t t, bool known)
{
	char text[JSON_TIME_TEXT_LEN];

	if (!known) {
		json_object_object_add(item, key, NULL);
		return 0;
	}
	if (json_time_text(t, text) < 0)
		return -EINVAL;
	return json_add_string(item, key, text);
}

/* The status fields of a schedule from its state (NULL: never ran). */
static int add_status(struct json_object *item, struct json_object *schedule, struct json_object *state)
{
	static const char *const copied[] = {"last_run", "last_slot_time", "last_error",
					     "images",	 "snapshots_made", "snapshots_pruned"};
	struct sched_spec spec;
	struct json_object *value;
	int64_t slot, last_slot = -1;
	char err[256];
	time_t next;

	if (sched_spec_from_json(schedule, 1, &spec, err, sizeof(err)) < 0)
		return add_time_or_null(item, "next_run", 0, false);
	if (state && json_object_object_get_ex(state, "last_slot", &value))
		last_slot = json_object_get_int64(value);
	slot = sched_slot_at(&spec, time(NULL));
	/* Due now when the slot we are in has not been served yet. */
	next = slot < 0 ? spec.start : sched_slot_time(&spec, last_slot < slot ? slot : slot + 1);
	if (add_time_or_null(item, "next_run", next, true) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		if (state && json_object_object_get_ex(state, copied[i], &value))
			json_object_object_add(item, copied[i], json_object_get(value));
		else if (i < 3)
			json_object_object_add(item, copied[i], NULL);
		else
			json_object_object_add(item, copied[i], json_object_new_int64(0));
	}
	return 0;
}

/* GET .../snapshot-schedules and .../status (with_status). */
static int list(struct request *req, struct response *resp, const char *kind, bool with_status)
{
	struct json_object *all = NULL, *body = NULL, *items = NULL;
	struct schedule_ref ref;
	rados_ioctx_t store;
	int r;

	schedule_ref(&ref, req);
	r = require_target(req, resp, &ref, &store);
	if (r < 0)
		return r;
	r = sched_store_read(store, &all);
	if (r < 0)
		return response_fail_errno(resp, r, "reading the snapshot schedules of pool %s failed",
					   ref.pool);
	body = json_list_envelope(kind, &items);
	if (!body)
		goto oom;
	json_object_object_foreach(all, key, schedule) {
		struct sched_target target;
		struct json_object *item, *state = NULL;
		char *text, *state_key = NULL;

		if (strncmp(key, SCHED_KEY_SCHEDULE, strlen(SCHED_KEY_SCHEDULE)) != 0)
			continue;
		text = strdup(key + strlen(SCHED_KEY_SCHEDULE));
		if (!text)
			goto oom;
		if (sched_key_target(text, &target) < 0 || !covered(&ref, &target)) {
			free(text);
			continue;
		}
		item = json_object_new_object();
		r = item ? add_target(item, ref.pool, &target) : -ENOMEM;
		if (r == 0)
			r = add_schedule(item, schedule);
		if (r == 0 && with_status) {
			r = sched_key(SCHED_KEY_STATE, &target, &state_key);
			if (r == 0) {
				json_object_object_get_ex(all, state_key, &state);
				r = add_status(item, schedule, state);
			}
		}
		free(state_key);
		free(text);
		if (r < 0 || json_array_take(items, item) < 0) {
			json_object_put(item);
			goto oom;
		}
	}
	json_object_put(all);
	response_json(resp, 200, body);
	return 0;
oom:
	json_object_put(all);
	json_object_put(body);
	return response_oom(resp);
}

int api_snapshot_schedules_list(struct request *req, struct response *resp)
{
	return list(req, resp, "SnapshotScheduleList", false);
}

int api_snapshot_schedules_status(struct request *req, struct response *resp)
{
	return list(req, resp, "SnapshotScheduleStatusList", true);
}

/* Location: the collection the schedule was created in. */
static int set_location(struct request *req, struct response *resp, const struct schedule_ref *ref)
{
	struct image_ref image;
	char *pool, *ns;
	int r = -ENOMEM;

	if (ref->target.level == SCHED_IMAGE) {
		api_image_ref(&image, req, ref->target.image);
		return api_location_image(resp, &image, "/snapshot-schedules");
	}
	pool = percent_encode_dup(ref->pool);
	ns = percent_encode_dup(ref->target.ns);
	if (pool && ns)
		r = *ref->target.ns
			    ? response_set_location(resp,
						    "/api/v1/pools/%s/namespaces/%s/snapshot-schedules",
						    pool, ns)
			    : response_set_location(resp, "/api/v1/pools/%s/snapshot-schedules", pool);
	free(pool);
	free(ns);
	return r;
}

static void release_json(void *obj)
{
	json_object_put(obj);
}

/* The "<kind>/<target>" key of target, owned by the request; answers on
 * failure. */
static int owned_key(struct request *req, struct response *resp, const char *kind,
		     const struct sched_target *target, char **key)
{
	if (sched_key(kind, target, key) < 0)
		return response_oom(resp);
	return api_own(req, resp, free, *key);
}

/* Answers 201 with the schedule stored. */
static int respond_created(struct request *req, struct response *resp,
			   const struct schedule_ref *ref, struct json_object *stored)
{
	struct json_object *answer = json_envelope("SnapshotSchedule");

	if (!answer || add_target(answer, ref->pool, &ref->target) < 0 ||
	    add_schedule(answer, stored) < 0) {
		json_object_put(answer);
		return response_oom(resp);
	}
	set_location(req, resp, ref);
	response_json(resp, 201, answer);
	return 0;
}

int api_snapshot_schedule_create(struct request *req, struct response *resp)
{
	struct json_object *body, *keep, *stored;
	const char *interval;
	struct schedule_ref ref;
	struct sched_spec spec;
	char err[512], *key;
	rados_ioctx_t store;
	int r;

	schedule_ref(&ref, req);
	r = api_request_body(req, resp, snapshot_schedule_fields, &body);
	if (r < 0)
		return r;
	json_object_object_get_ex(body, "keep", &keep);
	r = json_in_check_fields(keep, keep_fields, "field \"keep\"", resp);
	if (r < 0)
		return r;
	r = sched_spec_from_json(body, req->env->conf->schedule_min_interval, &spec, err, sizeof(err));
	if (r < 0)
		return response_fail(resp, r, "%s", err);
	json_in_string(body, "interval", &interval);
	stored = sched_spec_to_json(&spec, interval);
	if (!stored)
		return response_oom(resp);
	r = api_own(req, resp, release_json, stored);
	if (r == 0)
		r = owned_key(req, resp, SCHED_KEY_SCHEDULE, &ref.target, &key);
	if (r == 0)
		r = require_target(req, resp, &ref, &store);
	if (r < 0)
		return r;
	r = sched_store_put_new(store, key,
				json_object_to_json_string_ext(stored, JSON_C_TO_STRING_PLAIN));
	if (r == -EEXIST)
		return response_fail(resp, r,
				     "%s already has a snapshot schedule; delete it first to change it",
				     ref.what);
	if (r < 0)
		return response_fail_errno(resp, r, "storing the snapshot schedule of %s failed",
					   ref.what);
	return respond_created(req, resp, &ref, stored);
}

int api_snapshot_schedule_missing(struct request *req, struct response *resp)
{
	struct schedule_ref ref;

	schedule_ref(&ref, req);
	return response_fail(resp, -ENOENT, "%s has no snapshot schedule of its own", ref.what);
}

int api_snapshot_schedule_delete(struct request *req, struct response *resp)
{
	struct json_object *all;
	struct schedule_ref ref;
	char *keys[2];
	rados_ioctx_t store;
	int found, r;

	schedule_ref(&ref, req);
	/* An image's schedule outlives the image: it can still be deleted. */
	r = api_ioctx(req, resp, ref.pool, "", &store);
	if (r == 0)
		r = owned_key(req, resp, SCHED_KEY_SCHEDULE, &ref.target, &keys[0]);
	if (r == 0)
		r = owned_key(req, resp, SCHED_KEY_STATE, &ref.target, &keys[1]);
	if (r < 0)
		return r;
	r = sched_store_read(store, &all);
	if (r < 0)
		return response_fail_errno(resp, r, "reading the snapshot schedules of pool %s failed",
					   ref.pool);
	found = json_object_object_get_ex(all, keys[0], NULL);
	json_object_put(all);
	if (!found)
		return api_snapshot_schedule_missing(req, resp);
	r = sched_store_remove(store, (const char *const *)keys, 2);
	if (r < 0)
		return response_fail_errno(resp, r, "deleting the snapshot schedule of %s failed",
					   ref.what);
	response_json(resp, 204, NULL);
	return 0;
}
