/* api_pools.c - /api/v1/pools and /api/v1/pools/{pool}. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "ceph.h"
#include "conf.h"
#include "json_out.h"
#include "mon.h"
#include "routes.h"

/* Generous for one pool: the mon refuses far less. */
#define PG_NUM_MAX 32768

static int application_names(void *ioctx, char *buf, size_t *len)
{
	return rados_application_list(ioctx, buf, len);
}

/* Fills obj with the Pool fields: name, id, applications, stats. */
static int pool_json(struct request *req, struct response *resp, const char *pool,
		     struct json_object *obj)
{
	struct rados_pool_stat_t stats;
	struct json_object *apps = NULL, *stat_obj = NULL;
	rados_ioctx_t ioctx;
	char *names = NULL;
	size_t len = 0;
	int r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = ceph_read_list(application_names, ioctx, &names, &len);
	if (r < 0)
		return response_fail(resp, r, "cannot list the applications of pool %s: %s", pool,
				     strerror(-r));
	r = rados_ioctx_pool_stat(ioctx, &stats);
	if (r < 0) {
		response_fail(resp, r, "cannot read the usage of pool %s: %s", pool, strerror(-r));
		goto out;
	}
	apps = json_object_new_array();
	stat_obj = json_object_new_object();
	r = apps && stat_obj ? 0 : -ENOMEM;
	for (size_t off = 0; r == 0 && off < len && names[off]; off += strlen(names + off) + 1) {
		struct json_object *name = json_object_new_string(names + off);

		if (!name || json_object_array_add(apps, name) < 0) {
			json_object_put(name);
			r = -ENOMEM;
		}
	}
	if (r == 0)
		r = json_add_name(obj, "name", pool, "pool");
	if (r == 0)
		r = json_add_i64(obj, "id", rados_ioctx_get_id(ioctx));
	if (r == 0)
		r = json_object_object_add(obj, "applications", apps) < 0 ? -ENOMEM : 0;
	if (r == 0) {
		apps = NULL;
		r = json_add_u64(stat_obj, "bytes_used", stats.num_bytes);
	}
	if (r == 0)
		r = json_add_u64(stat_obj, "objects", stats.num_objects);
	if (r == 0)
		r = json_object_object_add(obj, "stats", stat_obj) < 0 ? -ENOMEM : 0;
	if (r == 0)
		stat_obj = NULL;
	if (r < 0)
		response_oom(resp);
out:
	json_object_put(apps);
	json_object_put(stat_obj);
	free(names);
	return r;
}

int api_pools_list(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
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

	body = json_list_envelope("PoolList", &items);
	if (!body) {
		r = response_oom(resp);
		goto out;
	}
	for (size_t off = 0; off < len && names[off]; off += strlen(names + off) + 1) {
		struct json_object *item = json_object_new_object();

		if (!item || json_object_array_add(items, item) < 0) {
			json_object_put(item);
			r = response_oom(resp);
			goto out;
		}
		r = detail ? pool_json(req, resp, names + off, item)
			   : json_add_name(item, "name", names + off, "pool");
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
	free(names);
	return r;
}

int api_pool_get(struct request *req, struct response *resp)
{
	struct json_object *body = json_envelope("Pool");
	int r;

	if (!body)
		return response_oom(resp);
	r = pool_json(req, resp, request_capture(req, "pool"), body);
	if (r < 0) {
		json_object_put(body);
		return r;
	}
	response_json(resp, 200, body);
	return 0;
}

/* Builds and sends one mon command on pool; the monitor's status text
 * (its reason, when it refuses) is copied into outs. */
static int pool_mon_command(rados_t cluster, const char *prefix, const char *pool,
			    struct json_object *extra, char *outs, size_t outslen)
{
	struct json_object *cmd = extra ? extra : json_object_new_object();
	int r;

	if (!cmd)
		return -ENOMEM;
	r = json_add_string(cmd, "prefix", prefix);
	if (r == 0)
		r = json_add_string(cmd, "pool", pool);
	if (r == 0)
		r = mon_command(cluster, cmd, outs, outslen);
	json_object_put(cmd);
	return r;
}

static int delete_pool(rados_t cluster, const char *pool, char *outs, size_t outslen)
{
	struct json_object *extra = json_object_new_object();

	if (!extra || json_add_string(extra, "pool2", pool) < 0 ||
	    json_add_bool(extra, "yes_i_really_really_mean_it", 1) < 0) {
		json_object_put(extra);
		return -ENOMEM;
	}
	return pool_mon_command(cluster, "osd pool delete", pool, extra, outs, outslen);
}

static const struct field_spec pool_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{"pg_num", FIELD_UINT, 0},
	{NULL, 0, 0},
};

int api_pool_create(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *extra = NULL, *created;
	char outs[512], undo[512], encoded[ENCODED_NAME_MAX];
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	uint64_t pg_num = 0;
	int has_pg_num;
	int r;

	r = api_body(req, resp, pool_create_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "name", &pool);
	has_pg_num = json_in_u64(body, "pg_num", &pg_num) == 0;
	if (has_pg_num && (pg_num < 1 || pg_num > PG_NUM_MAX)) {
		r = response_fail(resp, -EINVAL, "field \"pg_num\" must be from 1 to %d, not %llu",
				  PG_NUM_MAX, (unsigned long long)pg_num);
		goto out;
	}
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		goto out;
	extra = json_object_new_object();
	if (!extra || (has_pg_num && json_add_i64(extra, "pg_num", (int64_t)pg_num) < 0)) {
		json_object_put(extra);
		r = response_oom(resp);
		goto out;
	}
	r = pool_mon_command(cluster, "osd pool create", pool, extra, outs, sizeof(outs));
	/* The monitor answers success for a pool that exists already and
	 * says so only in its status text; it, not this worker's possibly
	 * older map, decides. */
	if (r == 0 && strstr(outs, "already exists")) {
		r = response_fail(resp, -EEXIST, "pool %s already exists", pool);
		goto out;
	}
	if (r < 0) {
		response_fail(resp, r, "creating pool %s failed: %s", pool,
			      outs[0] ? outs : strerror(-r));
		goto out;
	}
	/* Every worker (this one first, in api_ioctx below) catches up with
	 * the map that holds the new pool; a map may still show an older pool
	 * of the same name. */
	api_pools_changed(req);

	extra = json_object_new_object();
	r = extra && json_add_string(extra, "app", "rbd") == 0 ? 0 : -ENOMEM;
	if (r == 0)
		r = pool_mon_command(cluster, "osd pool application enable", pool, extra, outs,
				     sizeof(outs));
	else
		json_object_put(extra);
	if (r == 0)
		r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r == 0) {
		r = rbd_pool_init(ioctx, false);
		snprintf(outs, sizeof(outs), "rbd pool init: %s", strerror(-r));
	}
	if (r < 0) {
		/* Nothing half-made: a pool that is not ready for RBD goes away. */
		int undone = delete_pool(cluster, pool, undo, sizeof(undo));

		ceph_ioctx_forget(req->env->ioctxs, pool);
		api_pools_changed(req);
		response_fail(resp, r, "pool %s was created but preparing it for RBD failed (%s); %s",
			      pool, outs[0] ? outs : strerror(-r),
			      undone == 0 ? "it was deleted again"
					  : "deleting it again failed too, delete it by hand");
		goto out;
	}

	created = json_envelope("Pool");
	if (!created) {
		r = response_oom(resp);
		goto out;
	}
	r = pool_json(req, resp, pool, created);
	if (r < 0) {
		json_object_put(created);
		goto out;
	}
	percent_encode_segment(pool, encoded, sizeof(encoded));
	response_json(resp, 201, created);
	response_set_location(resp, "/api/v1/pools/%s", encoded);
out:
	json_object_put(body);
	return r;
}

/* Only pools with the rbd application: a CephFS or RGW pool deleted here
 * would take a file system or an object store with it, and those pools
 * are none of this API's business. */
static int require_rbd_pool(struct request *req, struct response *resp, const char *pool)
{
	const char *apps;
	char *names = NULL;
	rados_ioctx_t ioctx;
	size_t len = 0;
	int rbd = 0, r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = ceph_read_list(application_names, ioctx, &names, &len);
	if (r < 0)
		return response_fail(resp, r, "cannot list the applications of pool %s: %s", pool,
				     strerror(-r));
	for (size_t off = 0; off < len && names[off]; off += strlen(names + off) + 1) {
		rbd |= strcmp(names + off, "rbd") == 0;
		/* The list reads "a,b" in the message. */
		if (off > 0)
			names[off - 1] = ',';
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
	r = delete_pool(cluster, pool, outs, sizeof(outs));
	ceph_ioctx_forget(req->env->ioctxs, pool);
	api_pools_changed(req);
	/* The monitor answers success for a pool that is already gone and
	 * says so only in its status text. */
	if (r == 0 && strstr(outs, "does not exist"))
		return response_fail(resp, -ENOENT, "pool %s does not exist", pool);
	if (r < 0)
		return response_fail(resp, r, "deleting pool %s failed: %s", pool,
				     outs[0] ? outs : strerror(-r));
	response_json(resp, 204, NULL);
	return 0;
}
