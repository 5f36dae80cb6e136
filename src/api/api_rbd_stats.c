/* SPDX-License-Identifier: Apache-2.0 */
/* api_rbd_stats.c - GET /api/v1/pools/{pool}[/namespaces/{namespace}]/stats/rbd:
 * what `rbd pool stats` prints for a namespace of a pool (the pool's
 * default namespace without /namespaces/).
 *
 * librbd counts the namespace's images, the sum of their sizes, the sum of
 * each one's largest size, its own or a snapshot's (what the CLI calls
 * provisioned), their snapshots, and the same for the images in its
 * trash. It reads every image's header, so an answer costs a round trip
 * per image. Unlike .../stats (the manager's I/O
 * rates) nothing here moves by itself. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "json_out.h"
#include "pool_stats.h"
#include "routes.h"

static int add_counts(struct json_object *body, const char *key,
		      const struct rbd_image_counts *counts)
{
	struct json_object *obj = json_object_new_object();

	if (!obj || json_object_object_add(body, key, obj) < 0) {
		json_object_put(obj);
		return -ENOMEM;
	}
	if (json_add_u64(obj, "count", counts->count) < 0 ||
	    json_add_u64(obj, "size_bytes", counts->size_bytes) < 0 ||
	    json_add_u64(obj, "provisioned_bytes", counts->provisioned_bytes) < 0 ||
	    json_add_u64(obj, "snapshot_count", counts->snapshot_count) < 0)
		return -ENOMEM;
	return 0;
}

int api_rbd_stats(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool"), *ns = api_namespace(req);
	struct rbd_pool_counts counts;
	struct json_object *body;
	rados_ioctx_t ioctx;
	int r;

	r = api_ioctx(req, resp, pool, ns, &ioctx);
	if (r < 0)
		return r;
	r = pool_counts_read(ioctx, &counts);
	if (r < 0)
		return response_fail_errno(resp, r, "counting the images of %s %s%s%s failed",
					   *ns ? "namespace" : "pool", pool, *ns ? "/" : "", ns);
	body = json_envelope("RbdStats");
	if (!body || json_add_string(body, "pool", pool) < 0 ||
	    json_add_string(body, "namespace", ns) < 0 || add_counts(body, "images", &counts.images) < 0 ||
	    add_counts(body, "trash", &counts.trash) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}
