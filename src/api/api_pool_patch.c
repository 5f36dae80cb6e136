/* SPDX-License-Identifier: Apache-2.0 */
/* api_pool_patch.c - PATCH /api/v1/pools/{pool}: what a platform team
 * changes on a pool it hands out: its quota, placement groups and
 * replication.
 *
 * Every field is checked against the rules the monitor applies (and the
 * pool's current size, for min_size) before the monitor is asked for
 * anything, so a bad request changes nothing. Each change is then one
 * monitor command, the riskiest first (pg_num and size can still be
 * refused for the cluster's own reasons: too many PGs per OSD, a pool of
 * size 1 not allowed), so a refusal leaves as little changed as possible,
 * and the answer says what was. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_pools.h"
#include "json_in.h"
#include "pool_admin.h"
#include "pool_trash.h"
#include "routes.h"

/* What the monitor accepts for size (`osd pool set size`: 1 to 10). */
#define POOL_SIZE_MAX 10

const struct field_spec quota_fields[] = {
	{"max_bytes", FIELD_SIZE, 0},
	{"max_objects", FIELD_UINT, 0},
	{NULL, 0, 0},
};

const struct field_spec pool_patch_fields[] = {
	{"quota", FIELD_OBJECT, 0},
	{"pg_num", FIELD_UINT, 0},
	{"pg_autoscale_mode", FIELD_STRING, 0},
	{"size", FIELD_UINT, 0},
	{"min_size", FIELD_UINT, 0},
	{NULL, 0, 0},
};

/* One `osd pool set` or `osd pool set-quota`, in the order they are made. */
struct pool_change {
	const char *var;    /* the monitor's name (and the request's field) */
	int quota;          /* set-quota rather than set */
	uint64_t number;
	const char *text;   /* for pg_autoscale_mode; NULL for numbers */
};

#define POOL_CHANGES_MAX 6

struct pool_patch {
	struct pool_change changes[POOL_CHANGES_MAX];
	size_t nchanges;
};

static void add_number(struct pool_patch *patch, const char *var, int quota, uint64_t number)
{
	patch->changes[patch->nchanges++] = (struct pool_change){var, quota, number, NULL};
}

/* size and min_size, in an order that keeps min_size <= size at every
 * step: min_size first when it fits the current size, else size first. */
static void add_replication(struct pool_patch *patch, int has_size, uint64_t size,
			    int has_min, uint64_t min_size, uint64_t current_size)
{
	if (has_min && min_size <= current_size) {
		add_number(patch, "min_size", 0, min_size);
		has_min = 0;
	}
	if (has_size)
		add_number(patch, "size", 0, size);
	if (has_min)
		add_number(patch, "min_size", 0, min_size);
}

/* Reads and checks the body against the rules and the pool's current
 * settings; fills patch. 400 naming the field otherwise. */
static int parse_patch(struct response *resp, rados_t cluster, struct json_object *body,
		       struct json_object *settings, struct pool_patch *patch)
{
	struct json_object *quota = NULL, *value;
	uint64_t pg_num, size = 0, min_size = 0, current_size = 0, limit, n;
	const char *mode = NULL;
	int has_size, has_min;
	int r;

	patch->nchanges = 0;
	if (json_object_object_length(body) == 0)
		return response_fail(resp, -EINVAL,
				     "nothing to change: give quota, pg_num, pg_autoscale_mode, size or min_size");
	if (json_in_u64(body, "pg_num", &pg_num) == 0) {
		r = pool_conf_u64(cluster, "mon_max_pool_pg_num", &limit);
		if (r < 0)
			limit = 65536;
		if (pg_num < 1 || pg_num > limit)
			return response_fail(resp, -EINVAL,
					     "field \"pg_num\" must be from 1 to %" PRIu64
					     " (the monitor's mon_max_pool_pg_num), not %" PRIu64,
					     limit, pg_num);
		add_number(patch, "pg_num", 0, pg_num);
	}
	if (json_object_object_get_ex(settings, "size", &value))
		current_size = (uint64_t)json_object_get_int64(value);
	has_size = json_in_u64(body, "size", &size) == 0;
	has_min = json_in_u64(body, "min_size", &min_size) == 0;
	if (has_size && (size < 1 || size > POOL_SIZE_MAX))
		return response_fail(resp, -EINVAL, "field \"size\" must be from 1 to %d, not %" PRIu64,
				     POOL_SIZE_MAX, size);
	if (has_min && (min_size < 1 || min_size > (has_size ? size : current_size)))
		return response_fail(resp, -EINVAL,
				     "field \"min_size\" must be from 1 to the pool's size (%" PRIu64
				     "%s), not %" PRIu64,
				     has_size ? size : current_size, has_size ? ", as asked" : "",
				     min_size);
	add_replication(patch, has_size, size, has_min, min_size, current_size);
	if (json_in_string(body, "pg_autoscale_mode", &mode) == 0) {
		if (strcmp(mode, "on") != 0 && strcmp(mode, "off") != 0 && strcmp(mode, "warn") != 0)
			return response_fail(resp, -EINVAL,
					     "field \"pg_autoscale_mode\" must be on, off or warn, not \"%s\"",
					     mode);
		patch->changes[patch->nchanges++] =
			(struct pool_change){"pg_autoscale_mode", 0, 0, mode};
	}
	if (json_object_object_get_ex(body, "quota", &quota)) {
		r = json_in_check_fields(quota, quota_fields, "field \"quota\"", resp);
		if (r < 0)
			return r;
		if (json_object_object_length(quota) == 0)
			return response_fail(resp, -EINVAL,
					     "field \"quota\" is empty: give max_bytes, max_objects or both (0 = no quota)");
		if (json_in_size(quota, "max_bytes", &n) == 0)
			add_number(patch, "max_bytes", 1, n);
		if (json_in_u64(quota, "max_objects", &n) == 0)
			add_number(patch, "max_objects", 1, n);
	}
	return 0;
}

/* The words for what was already changed when a later change failed. */
static void done_text(const struct pool_patch *patch, size_t done, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < done && used < len; i++) {
		const struct pool_change *c = &patch->changes[i];
		int n;

		if (c->text)
			n = snprintf(buf + used, len - used, "%s%s %s", i ? ", " : "", c->var, c->text);
		else
			n = snprintf(buf + used, len - used, "%s%s %" PRIu64, i ? ", " : "", c->var,
				     c->number);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int apply(struct response *resp, rados_t cluster, rados_ioctx_t ioctx, const char *pool,
		 const struct pool_patch *patch)
{
	char outs[512], number[24], done[256];
	int prepared = 0;
	int r;

	for (size_t i = 0; i < patch->nchanges; i++) {
		const struct pool_change *c = &patch->changes[i];

		/* Removals must still work at the quota: the trash objects
		 * they need are made now, while they can be. A pool at a
		 * quota set by other means cannot get them: its deletes then
		 * answer 507 until it is raised (pool_trash.h). */
		if (c->quota && c->number > 0 && !prepared) {
			prepared = 1;
			(void)pool_trash_prepare_all(ioctx);
		}
		if (c->quota) {
			r = pool_quota_change(cluster, pool, c->var, c->number, outs, sizeof(outs));
		} else {
			snprintf(number, sizeof(number), "%" PRIu64, c->number);
			r = pool_setting_change(cluster, pool, c->var, c->text ? c->text : number,
						outs, sizeof(outs));
		}
		if (r == 0)
			continue;
		done_text(patch, i, done, sizeof(done));
		if (r == -ENOENT)
			return response_fail(resp, r, "pool %s does not exist", pool);
		/* "can not change the size of an erasure-coded pool": a
		 * request this pool cannot take, not a fault of the service. */
		if (r == -EOPNOTSUPP)
			r = -EINVAL;
		return response_fail(resp, r, "pool %s: %s%s%sthe monitor refused to set %s: %s%s",
				     pool, i ? "changed " : "nothing changed: ", done,
				     i ? ", but " : "", c->var, outs[0] ? outs : strerror(-r),
				     strcmp(c->var, "size") == 0 && c->number == 1 && r == -EPERM
					     ? " (a pool of size 1 needs the monitor's mon_allow_pool_size_one = true)"
					     : "");
	}
	return 0;
}

int api_pool_patch(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body, *settings = NULL;
	struct pool_patch patch;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_request_body(req, resp, pool_patch_fields, &body);
	if (r < 0)
		return r;
	r = api_pool_request(req, resp, pool, &ioctx, &cluster);
	if (r < 0)
		return r;
	/* The current size, for min_size; also a 404 before anything else. */
	r = api_pool_settings(resp, cluster, pool, &settings);
	if (r < 0)
		return r;
	r = parse_patch(resp, cluster, body, settings, &patch);
	if (r == 0)
		r = apply(resp, cluster, ioctx, pool, &patch);
	json_object_put(settings);
	if (r < 0)
		return r;
	return api_respond_pool(req, resp, pool, 200);
}
