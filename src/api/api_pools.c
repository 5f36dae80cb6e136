/* SPDX-License-Identifier: Apache-2.0 */
/* api_pools.c - /api/v1/pools and /api/v1/pools/{pool}. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_pools.h"
#include "ceph.h"
#include "conf.h"
#include "json_in.h"
#include "json_out.h"
#include "name_list.h"
#include "pool_admin.h"
#include "pool_setup.h"
#include "routes.h"
#include "text_list.h"

/* Generous for one pool: the mon refuses far less. */
#define PG_NUM_MAX 32768

/* Copies the unsigned integer key of from (a monitor's or manager's
 * answer) into to as name; a key the answer lacks is left out. */
static int copy_u64(struct json_object *to, const char *name, struct json_object *from,
		    const char *key)
{
	struct json_object *value;

	if (!from || !json_object_object_get_ex(from, key, &value) ||
	    !json_object_is_type(value, json_type_int))
		return 0;
	return json_add_u64(to, name, (uint64_t)json_object_get_int64(value));
}

static int copy_string(struct json_object *to, const char *name, struct json_object *from,
		       const char *key)
{
	const char *value = json_in_get_string(from, key);

	return value ? json_add_string(to, name, value) : 0;
}

/* type, size, min_size, pg_num, pg_autoscale_mode, crush_rule (and the
 * erasure-code profile of an erasure-coded pool), as `ceph osd pool get
 * POOL all` prints them. */
static int settings_json(struct json_object *obj, struct json_object *settings)
{
	int erasure = json_in_get_string(settings, "erasure_code_profile") != NULL;
	int r;

	r = json_add_string(obj, "type", erasure ? "erasure" : "replicated");
	if (r == 0 && erasure)
		r = copy_string(obj, "erasure_code_profile", settings, "erasure_code_profile");
	if (r == 0)
		r = copy_u64(obj, "size", settings, "size");
	if (r == 0)
		r = copy_u64(obj, "min_size", settings, "min_size");
	if (r == 0)
		r = copy_u64(obj, "pg_num", settings, "pg_num");
	if (r == 0)
		r = copy_string(obj, "pg_autoscale_mode", settings, "pg_autoscale_mode");
	if (r == 0)
		r = copy_string(obj, "crush_rule", settings, "crush_rule");
	return r;
}

/* quota {max_bytes, max_objects} from the pool's map entry (the
 * monitor's, so a PATCH's answer shows the quota just set; the manager's
 * df may lag behind). */
static int quota_json(struct json_object *obj, struct json_object *quota)
{
	struct json_object *q = json_object_new_object();
	int r;

	r = q ? copy_u64(q, "max_bytes", quota, "quota_max_bytes") : -ENOMEM;
	if (r == 0)
		r = copy_u64(q, "max_objects", quota, "quota_max_objects");
	if (r == 0)
		r = json_object_object_add(obj, "quota", q) < 0 ? -ENOMEM : 0;
	else
		json_object_put(q);
	return r;
}

/* stats: the manager's `df detail` numbers for the pool; when it has none
 * (not running, or a pool it has not seen yet), what librados counts:
 * stored and objects, bytes_used the same, no max_avail or percent_used. */
static int stats_json(struct json_object *obj, struct json_object *usage, rados_ioctx_t ioctx)
{
	struct json_object *stats = json_object_new_object(), *value;
	uint64_t bytes, objects;
	int r;

	if (!stats)
		return -ENOMEM;
	if (usage) {
		r = copy_u64(stats, "stored", usage, "stored");
		if (r == 0)
			r = copy_u64(stats, "bytes_used", usage, "bytes_used");
		if (r == 0)
			r = copy_u64(stats, "max_avail", usage, "max_avail");
		if (r == 0 && json_object_object_get_ex(usage, "percent_used", &value))
			r = json_add_fraction(stats, "percent_used", json_object_get_double(value));
		if (r == 0)
			r = copy_u64(stats, "objects", usage, "objects");
	} else {
		r = pool_librados_stat(ioctx, &bytes, &objects);
		if (r == 0)
			r = json_add_u64(stats, "stored", bytes);
		if (r == 0)
			r = json_add_u64(stats, "bytes_used", bytes);
		if (r == 0)
			r = json_add_u64(stats, "objects", objects);
	}
	if (r == 0)
		r = json_object_object_add(obj, "stats", stats) < 0 ? -ENOMEM : 0;
	else
		json_object_put(stats);
	return r;
}

static int applications_json(struct json_object *obj, const char *names, size_t len)
{
	struct json_object *apps = json_object_new_array();
	int r = apps ? 0 : -ENOMEM;
	const char *name;

	for (size_t at = 0; r == 0 && (name = name_list_next(names, len, &at));)
		r = json_array_take(apps, json_object_new_string(name));
	if (r == 0)
		r = json_object_object_add(obj, "applications", apps) < 0 ? -ENOMEM : 0;
	else
		json_object_put(apps);
	return r;
}

/* What a Pool answer reads about every pool at once: the map's entries
 * (quotas) and the manager's df. A list reads them once for all its pools;
 * a df that cannot be read leaves stats to librados (stats_json). */
struct pools_view {
	struct json_object *entries;
	struct json_object *df;
};

static int pools_view_read(struct response *resp, rados_t cluster, struct pools_view *view)
{
	char outs[512];
	int r;

	view->df = NULL;
	r = pool_list_read(cluster, &view->entries, outs, sizeof(outs));
	if (r < 0)
		return response_fail(resp, r, "cannot list the pools: %s", outs[0] ? outs : strerror(-r));
	(void)pool_usage_read(cluster, &view->df, outs, sizeof(outs));
	return 0;
}

static void pools_view_free(struct pools_view *view)
{
	json_object_put(view->entries);
	json_object_put(view->df);
}

int api_pool_request(struct request *req, struct response *resp, const char *pool,
		     rados_ioctx_t *ioctx, rados_t *cluster)
{
	int r = api_ioctx(req, resp, pool, "", ioctx);

	if (r < 0)
		return r;
	return api_cluster(req, resp, cluster);
}

int api_pool_settings(struct response *resp, rados_t cluster, const char *pool,
		      struct json_object **settings)
{
	char outs[512];
	int r;

	r = pool_settings_read(cluster, pool, settings, outs, sizeof(outs));
	if (r == -ENOENT)
		return response_fail(resp, r, "pool %s does not exist", pool);
	if (r < 0)
		return response_fail(resp, r, "cannot read the settings of pool %s: %s", pool,
				     outs[0] ? outs : strerror(-r));
	return 0;
}

/* Fills obj with the Pool fields; view as pools_view_read gave it, or
 * NULL to read it here. */
static int pool_json(struct request *req, struct response *resp, const char *pool,
		     const struct pools_view *view, struct json_object *obj)
{
	struct json_object *settings = NULL, *entry;
	struct pools_view own = {NULL, NULL};
	rados_ioctx_t ioctx;
	rados_t cluster;
	char *names = NULL;
	size_t len = 0;
	int r;

	r = api_pool_request(req, resp, pool, &ioctx, &cluster);
	if (r < 0)
		return r;
	r = pool_applications(ioctx, &names, &len);
	if (r < 0)
		return response_fail(resp, r, "cannot list the applications of pool %s: %s", pool,
				     strerror(-r));
	r = api_pool_settings(resp, cluster, pool, &settings);
	if (r < 0)
		goto out;
	if (!view) {
		r = pools_view_read(resp, cluster, &own);
		if (r < 0)
			goto out;
		view = &own;
	}
	entry = pool_list_find(view->entries, pool);
	if (!entry) {
		r = response_fail(resp, -ENOENT, "pool %s does not exist", pool);
		goto out;
	}
	r = json_add_name(obj, "name", pool, "pool");
	if (r == 0)
		r = json_add_i64(obj, "id", pool_id(ioctx));
	if (r == 0)
		r = applications_json(obj, names, len);
	if (r == 0)
		r = settings_json(obj, settings);
	if (r == 0)
		r = quota_json(obj, entry);
	if (r == 0)
		r = stats_json(obj, pool_usage_find(view->df, pool), ioctx);
	if (r == -ENOMEM)
		response_oom(resp);
	else if (r < 0)
		response_fail(resp, r, "cannot read the usage of pool %s: %s", pool, strerror(-r));
out:
	json_object_put(settings);
	pools_view_free(&own);
	free(names);
	return r;
}

int api_pools_list(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	struct pools_view view = {NULL, NULL};
	const char *name;
	rados_t cluster;
	char *names = NULL;
	size_t len = 0;
	int detail;
	int r;

	r = request_query_bool(req, "detail", 0, &detail, resp);
	if (r < 0)
		return r;
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	r = ceph_pool_names(cluster, &names, &len);
	if (r < 0)
		return response_fail(resp, r, "cannot list pools: %s", strerror(-r));

	/* The map's entries and df once for every pool. */
	if (detail) {
		r = pools_view_read(resp, cluster, &view);
		if (r < 0)
			goto out;
	}
	body = json_list_envelope("PoolList", &items);
	if (!body) {
		r = response_oom(resp);
		goto out;
	}
	for (size_t at = 0; (name = name_list_next(names, len, &at));) {
		struct json_object *item = json_object_new_object();

		if (!item || json_object_array_add(items, item) < 0) {
			json_object_put(item);
			r = response_oom(resp);
			goto out;
		}
		r = detail ? pool_json(req, resp, name, &view, item)
			   : json_add_name(item, "name", name, "pool");
		/* A pool deleted between the list and its detail is skipped. */
		if (r == -ENOENT && detail) {
			json_object_array_del_idx(items, json_object_array_length(items) - 1, 1);
			continue;
		}
		if (r < 0) {
			if (!detail)
				response_oom(resp);
			goto out;
		}
	}
	response_json(resp, 200, body);
	body = NULL;
	r = 0;
out:
	json_object_put(body);
	pools_view_free(&view);
	free(names);
	return r;
}

int api_respond_pool(struct request *req, struct response *resp, const char *pool, int status)
{
	struct json_object *body = json_envelope("Pool");
	int r;

	if (!body)
		return response_oom(resp);
	r = pool_json(req, resp, pool, NULL, body);
	if (r < 0) {
		json_object_put(body);
		return r;
	}
	response_json(resp, status, body);
	return 0;
}

int api_pool_get(struct request *req, struct response *resp)
{
	return api_respond_pool(req, resp, request_capture(req, "pool"), 200);
}

const struct field_spec pool_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{"pg_num", FIELD_UINT, 0},
	{"type", FIELD_STRING, 0},
	{"erasure_code_profile", FIELD_NAME, 0},
	{NULL, 0, 0},
};

/* What a new pool needs before RBD may use it (pool_setup.h). On
 * failure, outs says what failed. */
static int prepare_for_rbd(struct request *req, struct response *resp, rados_t cluster,
			   const char *pool, bool erasure, char *outs, size_t outslen)
{
	rados_ioctx_t ioctx = NULL;
	int r;

	outs[0] = '\0';
	/* An erasure-coded pool gets no RBD objects of its own. */
	r = erasure ? 0 : api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	return pool_prepare_for_rbd(cluster, ioctx, pool, erasure, outs, outslen);
}

/* 400 naming the profiles there are when profile is not one of them. */
static int require_ec_profile(struct response *resp, rados_t cluster, const char *profile)
{
	struct json_object *names = NULL;
	struct text_list known;
	char outs[512], text[1024];
	int found = 0, r;

	r = pool_ec_profiles_read(cluster, &names, outs, sizeof(outs));
	if (r < 0)
		return response_fail(resp, r, "cannot list the erasure-code profiles: %s",
				     outs[0] ? outs : strerror(-r));
	text_list_init(&known, text, sizeof(text));
	for (size_t i = 0; json_object_is_type(names, json_type_array) &&
			   i < json_object_array_length(names);
	     i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));

		found |= name && strcmp(name, profile) == 0;
		text_list_add(&known, "%s", name ? name : "");
	}
	json_object_put(names);
	if (found)
		return 0;
	return response_fail(resp, -EINVAL,
			     "field \"erasure_code_profile\": the cluster has no profile \"%s\" (it has: %s); make one with ceph osd erasure-code-profile set",
			     profile, text_list_finish(&known));
}

int api_pool_create(struct request *req, struct response *resp)
{
	char outs[512], undo[512], encoded[ENCODED_NAME_MAX];
	struct pool_new spec = {.pg_num = 0};
	const char *type = "replicated";
	struct json_object *body;
	rados_t cluster;
	int has_pg_num;
	int r;

	r = api_request_body(req, resp, pool_create_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "name", &spec.name);
	json_in_string(body, "type", &type);
	json_in_string(body, "erasure_code_profile", &spec.profile);
	has_pg_num = json_in_u64(body, "pg_num", &spec.pg_num) == 0;
	spec.erasure = strcmp(type, "erasure") == 0;
	if (!spec.erasure && strcmp(type, "replicated") != 0)
		return response_fail(resp, -EINVAL,
				     "field \"type\" must be replicated or erasure, not \"%s\"", type);
	if (spec.profile && !spec.erasure)
		return response_fail(resp, -EINVAL,
				     "field \"erasure_code_profile\" is for \"type\": \"erasure\" only");
	if (has_pg_num && (spec.pg_num < 1 || spec.pg_num > PG_NUM_MAX))
		return response_fail(resp, -EINVAL, "field \"pg_num\" must be from 1 to %d, not %llu",
				     PG_NUM_MAX, (unsigned long long)spec.pg_num);
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	/* The monitor's words for a profile it lacks ("no 'plugin' entry in
	 * the erasure_code_profile {}") would not say which. */
	if (spec.profile) {
		r = require_ec_profile(resp, cluster, spec.profile);
		if (r < 0)
			return r;
	}
	r = pool_create(cluster, &spec, outs, sizeof(outs));
	if (r == -EEXIST)
		return response_fail(resp, -EEXIST, "pool %s already exists", spec.name);
	if (r < 0)
		return response_fail(resp, r, "creating pool %s failed: %s", spec.name,
				     outs[0] ? outs : strerror(-r));
	/* Every worker (this one first, in api_ioctx below) catches up with
	 * the map that holds the new pool; a map may still show an older pool
	 * of the same name. */
	api_pools_changed(req);

	r = prepare_for_rbd(req, resp, cluster, spec.name, spec.erasure, outs, sizeof(outs));
	if (r < 0) {
		/* Nothing half-made: a pool that is not ready for RBD goes away. */
		int undone = pool_delete(cluster, spec.name, undo, sizeof(undo));

		ceph_ioctx_forget(req->env->ioctxs, spec.name);
		api_pools_changed(req);
		return response_fail(resp, r,
				     "pool %s was created but preparing it for RBD failed (%s); %s",
				     spec.name, outs[0] ? outs : strerror(-r),
				     undone == 0 ? "it was deleted again"
						 : "deleting it again failed too, delete it by hand");
	}

	r = api_respond_pool(req, resp, spec.name, 201);
	if (r < 0)
		return r;
	percent_encode_segment(spec.name, encoded, sizeof(encoded));
	response_set_location(resp, "/api/v1/pools/%s", encoded);
	return 0;
}

/* Only pools with the rbd application: a CephFS or RGW pool deleted here
 * would take a file system or an object store with it, and those pools
 * are none of this API's business. */
static int require_rbd_pool(struct request *req, struct response *resp, const char *pool)
{
	const char *apps, *name;
	char *names = NULL;
	rados_ioctx_t ioctx;
	size_t len = 0;
	int rbd = 0, r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = pool_applications(ioctx, &names, &len);
	if (r < 0)
		return response_fail(resp, r, "cannot list the applications of pool %s: %s", pool,
				     strerror(-r));
	for (size_t at = 0; (name = name_list_next(names, len, &at));) {
		rbd |= strcmp(name, "rbd") == 0;
		/* The list reads "a,b" in the message. */
		if (name > names)
			names[name - names - 1] = ',';
	}
	if (!rbd) {
		apps = len && names[0] ? names : "none";
		r = response_fail(resp, -EPERM,
				  "pool %s is not an RBD pool (applications: %s); this service deletes only pools with the rbd application",
				  pool, apps);
	}
	free(names);
	return r;
}

int api_pool_delete(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	const char *confirm = request_query(req, "confirm");
	char outs[512];
	rados_t cluster;
	int r;

	if (!req->env->conf->allow_pool_delete)
		return response_fail(resp, -EPERM,
				     "pool deletion is disabled in this service's configuration (allow_pool_delete = false)");
	if (!confirm || strcmp(confirm, pool) != 0)
		return response_fail(resp, -EINVAL,
				     "deleting pool %s destroys every image in it; repeat its name to confirm: ?confirm=%s",
				     pool, pool);
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	r = require_rbd_pool(req, resp, pool);
	if (r < 0)
		return r;
	r = pool_delete(cluster, pool, outs, sizeof(outs));
	ceph_ioctx_forget(req->env->ioctxs, pool);
	api_pools_changed(req);
	if (r == -ENOENT)
		return response_fail(resp, -ENOENT, "pool %s does not exist", pool);
	if (r < 0)
		return response_fail(resp, r, "deleting pool %s failed: %s", pool,
				     outs[0] ? outs : strerror(-r));
	response_json(resp, 204, NULL);
	return 0;
}
