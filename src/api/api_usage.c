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

#include <rbd/librbd.h>

#include "api.h"
#include "image_json.h"
#include "image_query.h"
#include "json_out.h"
#include "routes.h"

static int add_used(uint64_t offset, size_t len, int exists, void *arg)
{
	(void)offset;
	if (exists)
		*(uint64_t *)arg += len;
	return 0;
}

/* Bytes of whole objects written in the image's current snapshot (head
 * or one set with rbd_snap_set) since snapshot from (NULL: since
 * creation), the way `rbd du` counts. With a valid fast-diff object map
 * librbd answers from the map without touching the data objects. */
static int used_bytes(rbd_image_t image, const char *from, uint64_t size, uint64_t *used)
{
	*used = 0;
	return rbd_diff_iterate2(image, from, 0, size, 0 /* not the parent's */,
				 1 /* whole objects */, add_used, used);
}

static int compare_snap_id(const void *a, const void *b)
{
	const rbd_snap_info_t *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The image's snapshots, oldest first; *count of them. */
static int list_snapshots(rbd_image_t image, rbd_snap_info_t **snaps, int *count)
{
	int r = image_snapshots(image, snaps);

	if (r < 0)
		return r;
	*count = r;
	qsort(*snaps, (size_t)r, sizeof(**snaps), compare_snap_id);
	return 0;
}

/* Has the image a fast-diff map librbd can trust? */
static int fast_diff_valid(rbd_image_t image)
{
	uint64_t features = 0, flags = 0;

	if (rbd_get_features(image, &features) < 0 || rbd_get_flags(image, &flags) < 0)
		return 0;
	return (features & RBD_FEATURE_FAST_DIFF) && !(flags & RBD_FLAG_FAST_DIFF_INVALID);
}

/* Usage of each snapshot (what it holds beyond the one before it) into
 * items, and the name of the newest into *newest. */
static int snapshots_usage(rbd_image_t image, const rbd_snap_info_t *snaps, int count,
			   struct json_object *items, uint64_t *total)
{
	for (int i = 0; i < count; i++) {
		struct json_object *item = json_object_new_object();
		uint64_t used;
		int r;

		if (!item)
			return -ENOMEM;
		r = rbd_snap_set(image, snaps[i].name);
		if (r == 0)
			r = used_bytes(image, i ? snaps[i - 1].name : NULL, snaps[i].size, &used);
		if (r == 0 && (json_add_name(item, "name", snaps[i].name, "snapshot") < 0 ||
			       json_add_u64(item, "id", snaps[i].id) < 0 ||
			       json_add_u64(item, "provisioned_bytes", snaps[i].size) < 0 ||
			       json_add_u64(item, "used_bytes", used) < 0))
			r = -ENOMEM;
		if (r == 0 && json_object_array_add(items, item) < 0)
			r = -ENOMEM;
		if (r < 0) {
			json_object_put(item);
			return r;
		}
		*total += used;
	}
	return rbd_snap_set(image, NULL);
}

int api_image_du(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	rbd_snap_info_t *snaps = NULL;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	uint64_t size, used, total = 0;
	int nsnaps = 0, r;

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	body = json_envelope("DiskUsage");
	items = json_object_new_array();
	if (!body || !items || json_add_string(body, "pool", ref.pool) < 0 ||
	    json_add_string(body, "namespace", ref.ns) < 0 ||
	    json_add_name(body, "image", ref.name, "image") < 0) {
		json_object_put(items);
		r = response_oom(resp);
		goto out;
	}
	json_object_object_add(body, "snapshots", items);
	r = rbd_get_size(image, &size);
	if (r == 0)
		r = list_snapshots(image, &snaps, &nsnaps);
	if (r == 0)
		r = snapshots_usage(image, snaps, nsnaps, items, &total);
	/* Like `rbd du`: the head counts what changed since the newest
	 * snapshot, and the total adds up the image and its snapshots. */
	if (r == 0)
		r = used_bytes(image, nsnaps ? snaps[nsnaps - 1].name : NULL, size, &used);
	if (r < 0) {
		/* A snapshot deleted meanwhile is a race, not a failure. */
		if (r == -ENOENT)
			r = response_fail(resp, -ESTALE,
					  "the snapshots of image %s changed while measuring it; try again",
					  ref.spec);
		else
			api_image_fail(resp, r, &ref, "measuring the usage of");
		goto out;
	}
	total += used;
	if (json_add_u64(body, "provisioned_bytes", size) < 0 ||
	    json_add_u64(body, "used_bytes", used) < 0 ||
	    json_add_u64(body, "total_used_bytes", total) < 0 ||
	    json_add_bool(body, "fast_diff", fast_diff_valid(image)) < 0) {
		r = response_oom(resp);
		goto out;
	}
	response_json(resp, 200, body);
	body = NULL;
out:
	image_snapshots_free(snaps);
	json_object_put(body);
	rbd_close(image);
	return r;
}

int api_image_watchers(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	rbd_image_watcher_t *watchers = NULL;
	size_t count = 0;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = image_watchers(image, &watchers, &count);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "listing the watchers of");
		goto out;
	}
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
	if (!body) {
		r = response_oom(resp);
		goto out;
	}
	response_json(resp, 200, body);
out:
	image_watchers_free(watchers, count);
	rbd_close(image);
	return r;
}
