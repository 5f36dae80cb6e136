/* SPDX-License-Identifier: Apache-2.0 */
/* api_trash_purge.c - emptying a pool's trash: a purge now (POST
 * /api/v1/pools/{pool}/trash/purge, a task of this service's own) and
 * purges on a schedule (/api/v1/pools/{pool}/trash/schedules, kept and run
 * by the manager's rbd_support module).
 *
 * librbd purges what users moved to the trash and whose deferment has
 * ended by a given time; entries that an operation owns (a migration's
 * source, an image being removed) are never touched. The manager has no
 * task for a purge, so the runner that does copies and rollbacks does it
 * (task_runner.c): it survives worker recycling and reloads. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "api_pools.h"
#include "api_tasks.h"
#include "json_out.h"
#include "mon.h"
#include "routes.h"

/* Ten years, as far back as "older_than" may reach. */
#define OLDER_THAN_MAX (10ll * 365 * 24 * 3600)
/* librbd compares with 32-bit seconds: "every entry" is the last of them. */
#define PURGE_EVERYTHING ((time_t)0x7fffffff)

/* "90s", "30m", "12h", "7d", "2w" -> seconds; -EINVAL for anything else. */
static int parse_duration(const char *text, long long *seconds)
{
	static const struct {
		char unit;
		long long seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
	long long value = 0;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		value = value * 10 + (*p - '0');
		if (value > OLDER_THAN_MAX)
			return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (p[0] == units[i].unit && p[1] == '\0' &&
		    value * units[i].seconds <= OLDER_THAN_MAX) {
			*seconds = value * units[i].seconds;
			return 0;
		}
	return -EINVAL;
}

const struct field_spec purge_fields[] = {
	{"expired_only", FIELD_BOOL, 0},
	{"older_than", FIELD_STRING, 0},
	{NULL, 0, 0},
};

int api_trash_purge(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body, *record;
	struct image_ref where = {.pool = pool, .ns = "", .name = ""};
	const char *older_than = NULL;
	int expired_only = 1, r;
	long long age = 0;
	time_t before;
	rados_ioctx_t ioctx;

	/* The body is optional: an empty POST purges what has expired. */
	r = api_request_body_optional(req, resp, purge_fields, &body);
	if (r < 0)
		return r;
	json_in_bool(body, "expired_only", &expired_only);
	json_in_string(body, "older_than", &older_than);
	if (older_than && parse_duration(older_than, &age) < 0)
		return response_fail(resp, -EINVAL,
				     "field \"older_than\" must be a number followed by s, m, h, d or w (\"7d\"), at most ten years, not \"%.64s\"",
				     older_than);
	if (older_than && !expired_only)
		return response_fail(resp, -EINVAL,
				     "fields \"older_than\" and \"expired_only\": false do not go together: the first narrows the expired entries, the second takes every entry");
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	before = expired_only ? time(NULL) - (time_t)age : PURGE_EVERYTHING;
	snprintf(where.spec, sizeof(where.spec), "%s", pool);
	if (!expired_only)
		record = api_local_task_record("purge", &where,
					       "Purging every user entry of the trash of pool %s",
					       pool);
	else if (older_than)
		record = api_local_task_record("purge", &where,
					       "Purging the trash of pool %s: entries expired more than %s ago",
					       pool, older_than);
	else
		record = api_local_task_record("purge", &where,
					       "Purging the trash of pool %s: expired entries", pool);
	if (!record || json_add_i64(record, "expire_before", before) < 0) {
		json_object_put(record);
		return response_oom(resp);
	}
	return api_local_task_start(req, resp, record);
}

/* The pool's level for rbd_support's schedules: "pool/". */
static void level_spec(const char *pool, char *buf, size_t len)
{
	snprintf(buf, len, "%s/", pool);
}

/* The pool's schedules as the manager lists them: an array of
 * {interval, start_time} (owned by the caller), or NULL with the answer
 * in resp. */
static struct json_object *read_schedules(rados_t cluster, struct response *resp, const char *pool)
{
	static const char *const prefix = "rbd trash purge schedule list";
	struct json_object *parsed = NULL, *out = json_object_new_array();
	struct mgr_reply reply = {0};
	char level[NAME_MAX_BYTES + 2];
	const char *args[] = {"level_spec", level, NULL};
	int r;

	level_spec(pool, level, sizeof(level));
	if (!out) {
		response_oom(resp);
		return NULL;
	}
	r = mgr_call_args(cluster, prefix, args, &reply);
	if (r < 0) {
		api_mgr_fail(resp, r, prefix, pool, &reply);
		goto fail;
	}
	parsed = *reply.out ? json_tokener_parse(reply.out) : json_object_new_object();
	if (!parsed || !json_object_is_type(parsed, json_type_object)) {
		response_fail(resp, -EBADMSG, "the manager's answer to \"%s\" is not an object: %.200s",
			      prefix, reply.out);
		goto fail;
	}
	/* {"<pool id>": {"name": "pool/", "schedule": [...]}}; only our level. */
	json_object_object_foreach(parsed, key, level_obj)
	{
		struct json_object *schedule;
		const char *name = json_in_get_string(level_obj, "name");

		(void)key;
		if (!name || strcmp(name, level) != 0 ||
		    !json_object_object_get_ex(level_obj, "schedule", &schedule) ||
		    !json_object_is_type(schedule, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(schedule); i++) {
			struct json_object *entry = json_object_array_get_idx(schedule, i);
			struct json_object *item = json_object_new_object();
			const char *interval = json_in_get_string(entry, "interval");
			const char *start = json_in_get_string(entry, "start_time");

			if (json_array_take(out, item) < 0 ||
			    json_add_string(item, "interval", interval ? interval : "") < 0 ||
			    json_object_object_add(item, "start_time",
						   start && *start ? json_object_new_string(start)
								   : NULL) < 0) {
				response_oom(resp);
				goto fail;
			}
		}
	}
	json_object_put(parsed);
	mgr_reply_free(&reply);
	return out;
fail:
	json_object_put(parsed);
	json_object_put(out);
	mgr_reply_free(&reply);
	return NULL;
}

/* Answers with the pool's schedules, a TrashPurgeScheduleList. */
static int respond_schedules(struct request *req, struct response *resp, rados_t cluster,
			     const char *pool, int status)
{
	struct json_object *items = read_schedules(cluster, resp, pool);
	struct json_object *body;
	char encoded[ENCODED_NAME_MAX];

	(void)req;
	if (!items)
		return -EIO;
	body = json_envelope("TrashPurgeScheduleList");
	if (!body || json_add_string(body, "pool", pool) < 0 ||
	    json_object_object_add(body, "Items", items) < 0) {
		json_object_put(body);
		json_object_put(items);
		return response_oom(resp);
	}
	response_json(resp, status, body);
	if (status == 201) {
		percent_encode_segment(pool, encoded, sizeof(encoded));
		if (response_set_location(resp, "/api/v1/pools/%s/trash/schedules", encoded) < 0)
			return response_oom(resp);
	}
	return 0;
}

/* The cluster, once the pool is known to exist: the manager's own answer
 * for a missing pool is a puzzling "Invalid level spec". */
static int schedule_request(struct request *req, struct response *resp, const char *pool,
			    rados_t *cluster)
{
	rados_ioctx_t ioctx;

	return api_pool_request(req, resp, pool, &ioctx, cluster);
}

int api_trash_schedules_list(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	rados_t cluster;
	int r = schedule_request(req, resp, pool, &cluster);

	if (r < 0)
		return r;
	return respond_schedules(req, resp, cluster, pool, 200);
}

const struct field_spec trash_schedule_fields[] = {
	{"interval", FIELD_STRING, 1},
	{"start_time", FIELD_STRING, 0},
	{NULL, 0, 0},
};

const struct field_spec schedule_remove_fields[] = {
	{"interval", FIELD_STRING, 0},
	{"start_time", FIELD_STRING, 0},
	{NULL, 0, 0},
};

/* rbd_support's intervals: a number of minutes, hours or days. */
static int check_interval(struct response *resp, const char *interval)
{
	size_t digits = strspn(interval, "0123456789");

	if (digits == 0 || digits > 6 || !interval[digits] || !strchr("mhd", interval[digits]) ||
	    interval[digits + 1] || strspn(interval, "0") == digits)
		return response_fail(resp, -EINVAL,
				     "field \"interval\" must be a positive number followed by m, h or d (\"1d\", \"12h\"), not \"%.64s\"",
				     interval);
	return 0;
}

/* Asks the manager to add or remove (prefix) the pool's schedule every
 * interval from start (NULL: any); its refusal in resp. */
static int schedule_call(struct response *resp, rados_t cluster, const char *prefix,
			 const char *pool, const char *interval, const char *start)
{
	struct mgr_reply reply = {0};
	char level[NAME_MAX_BYTES + 2];
	const char *args[] = {"level_spec", level, "interval", interval, "start_time", start, NULL};
	int r;

	level_spec(pool, level, sizeof(level));
	r = mgr_call_args(cluster, prefix, args, &reply);
	if (r < 0)
		api_mgr_fail(resp, r, prefix, pool, &reply);
	mgr_reply_free(&reply);
	return r;
}

int api_trash_schedule_add(struct request *req, struct response *resp)
{
	static const char *const prefix = "rbd trash purge schedule add";
	const char *pool = request_capture(req, "pool");
	const char *interval = NULL, *start = NULL;
	struct json_object *body;
	rados_t cluster;
	int r;

	r = api_request_body(req, resp, trash_schedule_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "interval", &interval);
	json_in_string(body, "start_time", &start);
	r = check_interval(resp, interval);
	if (r < 0)
		return r;
	r = schedule_request(req, resp, pool, &cluster);
	if (r == 0)
		r = schedule_call(resp, cluster, prefix, pool, interval, start);
	if (r < 0)
		return r;
	return respond_schedules(req, resp, cluster, pool, 201);
}

/* How many schedules the pool has; the manager's refusal in resp. */
static int count_schedules(struct response *resp, rados_t cluster, const char *pool, size_t *count)
{
	struct json_object *schedules = read_schedules(cluster, resp, pool);

	if (!schedules)
		return -EIO;
	*count = json_object_array_length(schedules);
	json_object_put(schedules);
	return 0;
}

int api_trash_schedule_remove(struct request *req, struct response *resp)
{
	static const char *const prefix = "rbd trash purge schedule remove";
	const char *pool = request_capture(req, "pool");
	const char *interval = NULL, *start = NULL;
	struct json_object *body;
	size_t before, after;
	rados_t cluster;
	int r;

	/* Without a body, every schedule of the pool goes. */
	r = api_request_body_optional(req, resp, schedule_remove_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "interval", &interval);
	json_in_string(body, "start_time", &start);
	if (start && !interval)
		return response_fail(resp, -EINVAL, "field \"start_time\" needs \"interval\" beside it");
	r = schedule_request(req, resp, pool, &cluster);
	if (r < 0)
		return r;
	r = count_schedules(resp, cluster, pool, &before);
	if (r < 0)
		return r;
	r = schedule_call(resp, cluster, prefix, pool, interval, start);
	if (r < 0)
		return r;
	/* The manager answers success for a schedule it does not have. */
	r = count_schedules(resp, cluster, pool, &after);
	if (r < 0)
		return r;
	if (after == before)
		return response_fail(resp, -ENOENT, "pool %s has no trash purge schedule%s%s%s%s",
				     pool, interval ? " every " : "s", interval ? interval : "",
				     start ? " starting at " : "", start ? start : "");
	response_json(resp, 204, NULL);
	return 0;
}
