/* api_mirroring_schedules.c - /api/v1/pools/{pool}/mirroring/schedules:
 * when the manager takes mirror snapshots of snapshot-mirrored images
 * (its rbd_support module's `rbd mirror snapshot schedule`), for the
 * whole pool, a namespace or one image. The manager keeps and runs them,
 * so they hold however many replicas of this service run. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_mirroring.h"
#include "json_out.h"
#include "mon.h"
#include "routes.h"

#define LEVEL_SPEC_MAX (3 * 256 + 4)

/* A schedule's level as rbd_support spells it: "pool/" (a lone name
 * would be an image), "pool/ns/" for a namespace, "pool/image" or
 * "pool/ns/image" for an image. */
static void level_spec(char *buf, size_t len, const char *pool, const char *ns,
		       const char *image)
{
	if (image && ns && *ns)
		snprintf(buf, len, "%s/%s/%s", pool, ns, image);
	else if (image)
		snprintf(buf, len, "%s/%s", pool, image);
	else if (ns && *ns)
		snprintf(buf, len, "%s/%s/", pool, ns);
	else
		snprintf(buf, len, "%s/", pool);
}

/* "<n>m", "<n>h" or "<n>d" (minutes, hours, days), as rbd_support takes. */
static int interval_valid(const char *interval)
{
	size_t n = strlen(interval);

	if (n < 2 || n > 12 || !strchr("mhd", interval[n - 1]) || interval[0] == '0')
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (!isdigit((unsigned char)interval[i]))
			return 0;
	return 1;
}

/* A name given in the body or query (namespace, image), by the name rule. */
static int check_name(struct response *resp, const char *what, const char *name)
{
	const char *why;

	if (name && name_check(name, strlen(name), &why) < 0)
		return response_fail(resp, -EINVAL, "%s name \"%s\" %s", what, name, why);
	return 0;
}

/* Runs an rbd_support schedule command; the manager's own message names
 * what is wrong with a start_time it cannot parse. */
static int schedule_command(rados_t cluster, const char *prefix, const char *spec,
			    const char *interval, const char *start_time, struct mgr_reply *reply)
{
	struct json_object *cmd = json_object_new_object();
	int r;

	reply->out = reply->status = NULL;
	if (!cmd || json_add_string(cmd, "prefix", prefix) < 0 ||
	    json_add_string(cmd, "level_spec", spec) < 0 ||
	    (interval && json_add_string(cmd, "interval", interval) < 0) ||
	    (start_time && json_add_string(cmd, "start_time", start_time) < 0)) {
		json_object_put(cmd);
		return -ENOMEM;
	}
	r = mgr_command(cluster, cmd, reply);
	json_object_put(cmd);
	return r;
}

/* One listed level's schedules appended to items: {"level", "namespace",
 * "image"?, "interval", "start_time"}. The manager names a level as it
 * takes them (level_spec above): "pool/", "pool/ns/", "pool/image",
 * "pool/ns/image". */
static int add_level(struct json_object *level, const char *pool, struct json_object *items)
{
	const char *name = json_in_get_string(level, "name");
	size_t pool_len = strlen(pool);
	const char *first = name ? strchr(name, '/') : NULL;
	const char *second = first ? strchr(first + 1, '/') : NULL;
	struct json_object *schedules;
	char ns[256] = "", image[256] = "";
	int r = 0;

	/* Only this pool's (the manager filters by level, but says nothing
	 * of it). */
	if (!first || (size_t)(first - name) != pool_len || strncmp(name, pool, pool_len) != 0 ||
	    !json_object_object_get_ex(level, "schedule", &schedules) ||
	    !json_object_is_type(schedules, json_type_array))
		return 0;
	if (second) {
		snprintf(ns, sizeof(ns), "%.*s", (int)(second - first - 1), first + 1);
		snprintf(image, sizeof(image), "%s", second + 1);
	} else {
		snprintf(image, sizeof(image), "%s", first + 1);
	}
	for (size_t i = 0; r == 0 && i < json_object_array_length(schedules); i++) {
		struct json_object *s = json_object_array_get_idx(schedules, i);
		struct json_object *item = json_envelope("MirrorSchedule");
		const char *start = json_in_get_string(s, "start_time");

		if (!item)
			return -ENOMEM;
		r = json_add_string(item, "level", *image ? "image" : *ns ? "namespace" : "pool");
		if (r == 0)
			r = json_add_text(item, "namespace", ns);
		if (r == 0 && *image)
			r = json_add_text(item, "image", image);
		if (r == 0)
			r = json_add_string(item, "interval",
					    json_in_get_string(s, "interval") ?: "");
		if (r == 0 && start && *start)
			r = json_add_string(item, "start_time", start);
		else if (r == 0)
			json_object_object_add(item, "start_time", NULL);
		if (r == 0)
			r = json_array_take(items, item);
		else
			json_object_put(item);
	}
	return r;
}

/* The pool's schedules, as MirrorSchedule items in a new
 * MirrorScheduleList (*list); answers on failure. */
static int list_schedules(struct response *resp, rados_t cluster, const char *pool,
			  struct json_object **list)
{
	struct json_object *items, *levels = NULL, *cmd;
	struct mgr_reply reply = {NULL, NULL};
	char spec[LEVEL_SPEC_MAX];
	int r;

	*list = NULL;
	level_spec(spec, sizeof(spec), pool, NULL, NULL);
	cmd = json_object_new_object();
	if (!cmd || json_add_string(cmd, "prefix", "rbd mirror snapshot schedule list") < 0 ||
	    json_add_string(cmd, "level_spec", spec) < 0 ||
	    json_add_string(cmd, "format", "json") < 0) {
		json_object_put(cmd);
		return response_oom(resp);
	}
	r = mgr_command(cluster, cmd, &reply);
	json_object_put(cmd);
	if (r < 0) {
		response_fail_errno(resp, r, "listing the mirror snapshot schedules of pool %s failed%s%s",
				    pool, reply.status && *reply.status ? ": " : "",
				    reply.status ? reply.status : "");
		goto out;
	}
	levels = json_tokener_parse(reply.out);
	*list = json_list_envelope("MirrorScheduleList", &items);
	if (!*list) {
		r = response_oom(resp);
		goto out;
	}
	/* {level id: {"name", "schedule": [...]}}, the pool's levels and
	 * every one below it. */
	if (levels && json_object_is_type(levels, json_type_object)) {
		json_object_object_foreach(levels, id, level)
		{
			(void)id;
			r = add_level(level, pool, items);
			if (r < 0) {
				json_object_put(*list);
				*list = NULL;
				response_oom(resp);
				goto out;
			}
		}
	}
out:
	json_object_put(levels);
	mgr_reply_free(&reply);
	return r;
}

int api_mirroring_schedules_list(struct request *req, struct response *resp)
{
	struct json_object *list;
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = list_schedules(resp, cluster, pool, &list);
	if (r < 0)
		return r;
	response_json(resp, 200, list);
	return 0;
}

/* Does the pool have a schedule at the level of ns and image with the
 * interval and start time (each NULL: any)? rbd_support removes nothing
 * and says 0 otherwise. 404 when not. */
static int require_schedule(struct response *resp, rados_t cluster, const char *pool,
			    const char *ns, const char *image, const char *interval,
			    const char *start, const char *spec)
{
	struct json_object *list, *items;
	int r, found = 0;

	r = list_schedules(resp, cluster, pool, &list);
	if (r < 0)
		return r;
	json_object_object_get_ex(list, "Items", &items);
	for (size_t i = 0; !found && i < json_object_array_length(items); i++) {
		struct json_object *item = json_object_array_get_idx(items, i);
		const char *item_image = json_in_get_string(item, "image");
		const char *item_start = json_in_get_string(item, "start_time");

		found = strcmp(json_in_get_string(item, "namespace") ?: "", ns ? ns : "") == 0 &&
			strcmp(item_image ? item_image : "", image ? image : "") == 0 &&
			(!interval || strcmp(json_in_get_string(item, "interval") ?: "", interval) == 0) &&
			(!start || (item_start && strcmp(item_start, start) == 0));
	}
	json_object_put(list);
	if (!found)
		return response_fail(resp, -ENOENT, "%s has no mirror snapshot schedule%s%s%s%s",
				     spec, interval ? " every " : "", interval ? interval : "",
				     start ? " from " : "", start ? start : "");
	return 0;
}

const struct field_spec mirror_schedule_fields[] = {
	{"interval", FIELD_STRING, 1},
	{"start_time", FIELD_STRING, 0},
	{"namespace", FIELD_STRING, 0},
	{"image", FIELD_STRING, 0},
	{NULL, 0, 0},
};

/* The answer for a failed rbd_support command, with its own words. */
static int schedule_fail(struct response *resp, int r, const struct mgr_reply *reply,
			 const char *doing, const char *spec)
{
	const char *why = reply->status && *reply->status ? reply->status : strerror(-r);

	if (r == -ENOENT)
		return response_fail(resp, r, "%s %s failed: %s", doing, spec, why);
	if (r == -EINVAL)
		return response_fail(resp, r, "%s %s failed: %s (start_time is ISO 8601, e.g. \"14:00:00\" or \"2026-01-01T00:00:00\")",
				     doing, spec, why);
	return response_fail_errno(resp, r, "%s %s failed: %s", doing, spec, why);
}

int api_mirroring_schedule_create(struct request *req, struct response *resp)
{
	const char *pool, *interval, *start = NULL, *ns = NULL, *image = NULL;
	struct mgr_reply reply = {NULL, NULL};
	struct json_object *body = NULL, *out_body;
	char spec[LEVEL_SPEC_MAX];
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_body(req, resp, mirror_schedule_fields, &body);
	if (r < 0)
		goto out;
	json_in_string(body, "interval", &interval);
	json_in_string(body, "start_time", &start);
	json_in_string(body, "namespace", &ns);
	json_in_string(body, "image", &image);
	if (!interval_valid(interval)) {
		r = response_fail(resp, -EINVAL,
				  "field \"interval\" must be a whole number of minutes, hours or days such as \"30m\", \"1h\" or \"1d\", not \"%s\"",
				  interval);
		goto out;
	}
	if (start && (strlen(start) > 64 || !*start)) {
		r = response_fail(resp, -EINVAL, "field \"start_time\" must be an ISO 8601 time");
		goto out;
	}
	r = check_name(resp, "namespace", ns);
	if (r == 0)
		r = check_name(resp, "image", image);
	if (r < 0)
		goto out;
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		goto out;
	level_spec(spec, sizeof(spec), pool, ns, image);
	r = schedule_command(cluster, "rbd mirror snapshot schedule add", spec, interval, start,
			     &reply);
	if (r < 0) {
		schedule_fail(resp, r, &reply, "adding a mirror snapshot schedule to", spec);
		goto out;
	}
	out_body = json_envelope("MirrorSchedule");
	if (!out_body || json_add_string(out_body, "pool", pool) < 0 ||
	    json_add_string(out_body, "level", image ? "image" : ns && *ns ? "namespace" : "pool") < 0 ||
	    json_add_string(out_body, "namespace", ns ? ns : "") < 0 ||
	    (image && json_add_string(out_body, "image", image) < 0) ||
	    json_add_string(out_body, "interval", interval) < 0) {
		json_object_put(out_body);
		r = response_oom(resp);
		goto out;
	}
	if (start)
		json_add_string(out_body, "start_time", start);
	else
		json_object_object_add(out_body, "start_time", NULL);
	r = response_set_location(resp, "/api/v1/pools/%s/mirroring/schedules", pool);
	if (r < 0) {
		json_object_put(out_body);
		r = response_oom(resp);
		goto out;
	}
	response_json(resp, 201, out_body);
out:
	if (reply.out)
		mgr_reply_free(&reply);
	json_object_put(body);
	return r;
}

int api_mirroring_schedule_delete(struct request *req, struct response *resp)
{
	const char *interval = request_query(req, "interval");
	const char *start = request_query(req, "start_time");
	const char *ns = request_query(req, "namespace");
	const char *image = request_query(req, "image");
	struct mgr_reply reply = {NULL, NULL};
	char spec[LEVEL_SPEC_MAX];
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	if (interval && !interval_valid(interval))
		return response_fail(resp, -EINVAL,
				     "query parameter \"interval\" must be such as \"30m\", \"1h\" or \"1d\", not \"%s\"",
				     interval);
	r = check_name(resp, "namespace", ns);
	if (r == 0)
		r = check_name(resp, "image", image);
	if (r < 0)
		return r;
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	level_spec(spec, sizeof(spec), pool, ns, image);
	r = require_schedule(resp, cluster, pool, ns, image, interval, start, spec);
	if (r < 0)
		return r;
	r = schedule_command(cluster, "rbd mirror snapshot schedule remove", spec, interval, start,
			     &reply);
	if (r < 0)
		schedule_fail(resp, r, &reply, "removing the mirror snapshot schedule of", spec);
	else
		resp->status = 204;
	if (reply.out)
		mgr_reply_free(&reply);
	return r;
}
