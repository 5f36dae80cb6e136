/* SPDX-License-Identifier: Apache-2.0 */
/* api_usage.c - .../images/{image}/du and /watchers: how much of an
 * image is written, and who has it open (its locks: api_locks.c).
 *
 * Both open the image read-only, which neither watches nor locks it, so
 * this service never appears in its own answers. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "image_json.h"
#include "image_query.h"
#include "image_usage.h"
#include "json_out.h"
#include "routes.h"

/* The snapshots and sizes of the DiskUsage answer body for u: 0 or
 * -ENOMEM (body holds what was added either way). */
static int usage_fill(struct json_object *body, const struct image_usage *u)
{
	struct json_object *items = json_object_new_array();

	if (!items || json_object_object_add(body, "snapshots", items) < 0) {
		json_object_put(items);
		return -ENOMEM;
	}
	for (int i = 0; i < u->count; i++) {
		struct json_object *item = json_object_new_object();

		if (json_array_take(items, item) < 0 ||
		    json_add_name(item, "name", u->snaps[i].name, "snapshot") < 0 ||
		    json_add_u64(item, "id", u->snaps[i].id) < 0 ||
		    json_add_u64(item, "provisioned_bytes", u->snaps[i].size) < 0 ||
		    json_add_u64(item, "used_bytes", u->snap_used[i]) < 0)
			return -ENOMEM;
	}
	if (json_add_u64(body, "provisioned_bytes", u->size) < 0 ||
	    json_add_u64(body, "used_bytes", u->used) < 0 ||
	    json_add_u64(body, "total_used_bytes", u->total) < 0 ||
	    json_add_bool(body, "fast_diff", u->fast_diff) < 0)
		return -ENOMEM;
	return 0;
}

/* The DiskUsage answer for u, or NULL when out of memory. */
static struct json_object *usage_json(const struct image_ref *ref, const struct image_usage *u)
{
	struct json_object *body = json_envelope("DiskUsage");

	if (body && (json_add_string(body, "pool", ref->pool) < 0 ||
		     json_add_string(body, "namespace", ref->ns) < 0 ||
		     json_add_name(body, "image", ref->name, "image") < 0 ||
		     usage_fill(body, u) < 0)) {
		json_object_put(body);
		body = NULL;
	}
	return body;
}

int api_image_du(struct request *req, struct response *resp)
{
	struct json_object *body;
	struct image_usage u;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = image_usage_measure(image, &u);
	body = r == 0 ? usage_json(&ref, &u) : NULL;
	image_usage_free(&u);
	/* A snapshot deleted meanwhile is a race, not a failure. */
	if (r == -ENOENT)
		return response_fail(resp, -ESTALE,
				     "the snapshots of image %s changed while measuring it; try again",
				     ref.spec);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "measuring the usage of");
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

int api_image_watchers(struct request *req, struct response *resp)
{
	struct json_object *body, *items;
	rbd_image_watcher_t *watchers = NULL;
	size_t count = 0;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = image_watchers(image, &watchers, &count);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "listing the watchers of");
	body = json_list_envelope("WatcherList", &items);
	for (size_t i = 0; body && i < count; i++) {
		struct json_object *item = json_object_new_object();

		if (!item || json_add_string(item, "address", watchers[i].addr) < 0 ||
		    json_add_i64(item, "client_id", watchers[i].id) < 0 ||
		    json_add_u64(item, "cookie", watchers[i].cookie) < 0 ||
		    json_object_array_add(items, item) < 0) {
			json_object_put(item);
			json_object_put(body);
			body = NULL;
		}
	}
	image_watchers_free(watchers, count);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}
