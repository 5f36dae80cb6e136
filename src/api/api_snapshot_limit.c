/* SPDX-License-Identifier: Apache-2.0 */
/* api_snapshot_limit.c - .../images/{image}/snapshot-limit: the most
 * snapshots an image may have (rbd snap limit set / clear).
 *
 * A separate resource rather than an Image field: reading it is one more
 * call on every image read, and it is set far more rarely than an image
 * is read. librbd keeps "no limit" as UINT64_MAX; we show it as null. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include <rbd/librbd.h>

#include "api.h"
#include "image_query.h"
#include "json_out.h"
#include "routes.h"
#include "snapshot.h"

/* Answers with the image's limit and how many snapshots it has now. */
static int respond_limit(struct response *resp, rbd_image_t image, const struct image_ref *ref)
{
	struct json_object *body, *limit;
	rbd_snap_info_t *snaps = NULL;
	uint64_t value;
	int count = 0, r;

	r = snapshot_limit(image, &value);
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading the snapshot limit of");
	/* The limit counts every snapshot, librbd's own ones too. */
	count = image_snapshots(image, &snaps);
	image_snapshots_free(snaps);
	if (count < 0)
		return api_image_fail(resp, count, ref, "counting the snapshots of");
	body = json_envelope("SnapshotLimit");
	if (!body)
		return response_oom(resp);
	limit = value == UINT64_MAX ? NULL : json_object_new_uint64(value);
	if ((value != UINT64_MAX && !limit) || json_object_object_add(body, "limit", limit) < 0 ||
	    json_add_u64(body, "count", (uint64_t)count) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

int api_snapshot_limit_get(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	return respond_limit(resp, image, &ref);
}

const struct field_spec limit_fields[] = {
	{"limit", FIELD_UINT | FIELD_NULLABLE, 1},
	{NULL, 0, 0},
};

int api_snapshot_limit_put(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	uint64_t limit = UINT64_MAX;
	int r;

	r = api_request_body(req, resp, limit_fields, &body);
	if (r < 0)
		return r;
	/* null: no limit, which librbd keeps as the largest value. */
	if (!json_in_is_null(body, "limit"))
		json_in_u64(body, "limit", &limit);
	api_image_ref(&ref, req, request_capture(req, "image"));
	r = api_ioctx(req, resp, ref.pool, ref.ns, &ioctx);
	if (r < 0)
		return r;
	r = api_image_open_owned(req, resp, ioctx, &ref, 1, &image);
	if (r < 0)
		return r;
	r = snapshot_set_limit(image, limit);
	if (r == -ERANGE)
		return response_fail_http(resp, 409,
					  "image %s has more than %" PRIu64
					  " snapshots already; delete some before setting this limit",
					  ref.spec, limit);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "setting the snapshot limit of");
	return respond_limit(resp, image, &ref);
}
