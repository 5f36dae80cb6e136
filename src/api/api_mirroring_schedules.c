/* SPDX-License-Identifier: Apache-2.0 */
/* api_mirroring_schedules.c - /api/v1/pools/{pool}/mirroring/schedules:
 * when the manager takes mirror snapshots of snapshot-mirrored images
 * (its rbd_support module's `rbd mirror snapshot schedule`), for the
 * whole pool, a namespace or one image. The manager keeps and runs them,
 * so they hold however many replicas of this service run. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_mirroring.h"
#include "json_out.h"
#include "mon.h"
#include "routes.h"

/* A schedule's level as rbd_support spells it: "pool/" (a lone name
 * would be an image), "pool/ns/" for a namespace, "pool/image" or
 * "pool/ns/image" for an image; as long as the names are (a pool or
 * image the rbd CLI made may have a longer name than ours allow). NULL
 * when out of memory; the caller frees it. */
static char *level_spec(const char *pool, const char *ns, const char *image)
{
	char *spec;
	int r;

	if (image && ns && *ns)
		r = asprintf(&spec, "%s/%s/%s", pool, ns, image);
	else if (image)
		r = asprintf(&spec, "%s/%s", pool, image);
	else if (ns && *ns)
		r = asprintf(&spec, "%s/%s/", pool, ns);
	else
		r = asprintf(&spec, "%s/", pool);
	return r < 0 ? NULL : spec;
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
	const char *image;
	char *ns;
	int r = 0;

	/* Only this pool's (the manager filters by level, but says nothing
	 * of it). */
	if (!first || (size_t)(first - name) != pool_len || strncmp(name, pool, pool_len) != 0 ||
	    !json_object_object_get_ex(level, "schedule", &schedules) ||
	    !json_object_is_type(schedules, json_type_array))
		return 0;
	/* The names as long as the manager gives them. */
	ns = second ? strndup(first + 1, (size_t)(second - first - 1)) : strdup("");
	if (!ns)
		return -ENOMEM;
	image = second ? second + 1 : first + 1;
	for (size_t i = 0; r == 0 && i < json_object_array_length(schedules); i++) {
		struct json_object *s = json_object_array_get_idx(schedules, i);
		struct json_object *item = json_envelope("MirrorSchedule");
		const char *start = json_in_get_string(s, "start_time");

		if (!item) {
			r = -ENOMEM;
			break;
		}
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
	free(ns);
	return r;
}

/* The pool's schedules, as MirrorSchedule items in a new
 * MirrorScheduleList (*list); answers on failure. */
static int list_schedules(struct response *resp, rados_t cluster, const char *pool,
			  struct json_object **list)
{
	struct json_object *items, *levels = NULL, *cmd;
	struct mgr_reply reply = {NULL, NULL};
	char *spec;
	int r;

	*list = NULL;
	spec = level_spec(pool, NULL, NULL);
	cmd = json_object_new_object();
	if (!spec || !cmd || json_add_string(cmd, "prefix", "rbd mirror snapshot schedule list") < 0 ||
	    json_add_string(cmd, "level_spec", spec) < 0 ||
	    json_add_string(cmd, "format", "json") < 0) {
		json_object_put(cmd);
		free(spec);
		return response_oom(resp);
	}
	r = mgr_command(cluster, cmd, &reply);
	json_object_put(cmd);
	free(spec);
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

static int respond_schedules(struct response *resp, rados_t cluster, rados_ioctx_t ioctx,
			     const char *pool)
{
	struct json_object *list;
	int r;

	(void)ioctx;
	r = list_schedules(resp, cluster, pool, &list);
	if (r < 0)
		return r;
	response_json(resp, 200, list);
	return 0;
}

int api_mirroring_schedules_list(struct request *req, struct response *resp)
{
	return api_mirror_pool_get(req, resp, respond_schedules);
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

/* Runs an rbd_support schedule command on the level spec; answers when
 * it fails, with doing ("adding a mirror snapshot schedule to"). */
static int schedule_change(struct response *resp, rados_t cluster, const char *prefix,
			   const char *spec, const char *interval, const char *start,
			   const char *doing)
{
	struct mgr_reply reply = {NULL, NULL};
	int r;

	r = schedule_command(cluster, prefix, spec, interval, start, &reply);
	if (r < 0)
		schedule_fail(resp, r, &reply, doing, spec);
	if (reply.out)
		mgr_reply_free(&reply);
	return r;
}

/* Answers 201 with the schedule made. */
static int respond_created(struct response *resp, const char *pool, const char *ns,
			   const char *image, const char *interval, const char *start)
{
	struct json_object *body = json_envelope("MirrorSchedule");

	if (!body || json_add_string(body, "pool", pool) < 0 ||
	    json_add_string(body, "level", image ? "image" : ns && *ns ? "namespace" : "pool") < 0 ||
	    json_add_string(body, "namespace", ns ? ns : "") < 0 ||
	    (image && json_add_string(body, "image", image) < 0) ||
	    json_add_string(body, "interval", interval) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	if (start)
		json_add_string(body, "start_time", start);
	else
		json_object_object_add(body, "start_time", NULL);
	if (response_set_location(resp, "/api/v1/pools/%s/mirroring/schedules", pool) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 201, body);
	return 0;
}

/* What adding and removing a schedule begin with, once the interval is
 * checked: the namespace and image names, the {pool}, the cluster, and
 * the level spec (owned by the request). */
static int schedule_request(struct request *req, struct response *resp, const char *ns,
			    const char *image, const char **pool, rados_t *cluster, char **spec)
{
	rados_ioctx_t ioctx;
	int r;

	r = check_name(resp, "namespace", ns);
	if (r == 0)
		r = check_name(resp, "image", image);
	if (r < 0)
		return r;
	r = api_mirror_pool_request(req, resp, pool, cluster, &ioctx);
	if (r < 0)
		return r;
	*spec = level_spec(*pool, ns, image);
	if (!*spec)
		return response_oom(resp);
	return api_own(req, resp, free, *spec);
}

int api_mirroring_schedule_create(struct request *req, struct response *resp)
{
	const char *pool, *interval, *start = NULL, *ns = NULL, *image = NULL;
	struct json_object *body;
	rados_t cluster;
	char *spec;
	int r;

	r = api_request_body(req, resp, mirror_schedule_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "interval", &interval);
	json_in_string(body, "start_time", &start);
	json_in_string(body, "namespace", &ns);
	json_in_string(body, "image", &image);
	if (!interval_valid(interval))
		return response_fail(resp, -EINVAL,
				     "field \"interval\" must be a whole number of minutes, hours or days such as \"30m\", \"1h\" or \"1d\", not \"%s\"",
				     interval);
	if (start && (strlen(start) > 64 || !*start))
		return response_fail(resp, -EINVAL, "field \"start_time\" must be an ISO 8601 time");
	r = schedule_request(req, resp, ns, image, &pool, &cluster, &spec);
	if (r < 0)
		return r;
	r = schedule_change(resp, cluster, "rbd mirror snapshot schedule add", spec, interval, start,
			    "adding a mirror snapshot schedule to");
	if (r < 0)
		return r;
	return respond_created(resp, pool, ns, image, interval, start);
}

int api_mirroring_schedule_delete(struct request *req, struct response *resp)
{
	const char *interval = request_query(req, "interval");
	const char *start = request_query(req, "start_time");
	const char *ns = request_query(req, "namespace");
	const char *image = request_query(req, "image");
	rados_t cluster;
	const char *pool;
	char *spec;
	int r;

	if (interval && !interval_valid(interval))
		return response_fail(resp, -EINVAL,
				     "query parameter \"interval\" must be such as \"30m\", \"1h\" or \"1d\", not \"%s\"",
				     interval);
	r = schedule_request(req, resp, ns, image, &pool, &cluster, &spec);
	if (r < 0)
		return r;
	r = require_schedule(resp, cluster, pool, ns, image, interval, start, spec);
	if (r < 0)
		return r;
	r = schedule_change(resp, cluster, "rbd mirror snapshot schedule remove", spec, interval,
			    start, "removing the mirror snapshot schedule of");
	if (r < 0)
		return r;
	resp->status = 204;
	return 0;
}
