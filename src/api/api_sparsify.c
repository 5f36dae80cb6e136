/* SPDX-License-Identifier: Apache-2.0 */
/* api_sparsify.c - POST .../images/{image}/sparsify: gives back the space
 * of zero-filled data, what `rbd sparsify` does (after an upload of a
 * raw disk image, say, whose empty parts were written as zeros).
 *
 * librbd reads every object of the image and removes an object that
 * holds only zeros, or punches the zeroed runs of sparse_size bytes (and
 * multiples of it) out of one. It works under clients that have the image
 * open (the work goes to the exclusive lock's owner), and stopping half
 * way loses nothing: what is done is done. Like flatten, it runs in the
 * request (bounded like every data move, api_sync_data_begin), or with
 * ?async=true as a task of this service's own runner (the manager's
 * queue has no sparsify). */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include <rbd/librbd.h>

#include "api.h"
#include "api_tasks.h"
#include "image_handle.h"
#include "json_in.h"
#include "json_out.h"
#include "routes.h"

/* `rbd sparsify`'s default: zeroed runs of 4 KiB, librbd's least. */
#define SPARSE_SIZE_DEFAULT 4096
#define SPARSE_SIZE_MIN 4096

const struct field_spec sparsify_fields[] = {
	{"sparse_size", FIELD_SIZE, 0},
	{NULL, 0, 0},
};

/* The body's sparse_size: a power of two from 4 KiB up to the image's
 * object size (librbd's rule, said before librbd answers a bare EINVAL). */
static int sparse_size_check(struct response *resp, rbd_image_t image, const struct image_ref *ref,
			     uint64_t sparse_size)
{
	uint64_t object_size;
	int r;

	if (sparse_size < SPARSE_SIZE_MIN || (sparse_size & (sparse_size - 1)))
		return response_fail(resp, -EINVAL,
				     "field \"sparse_size\" must be a power of two of at least %d bytes (got %llu)",
				     SPARSE_SIZE_MIN, (unsigned long long)sparse_size);
	r = image_handle_object_size(image, &object_size);
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading");
	if (sparse_size > object_size)
		return response_fail(resp, -EINVAL,
				     "field \"sparse_size\" must not exceed the object size of image %s (%llu bytes; got %llu)",
				     ref->spec, (unsigned long long)object_size,
				     (unsigned long long)sparse_size);
	return 0;
}

/* ?async=true: the sparsify as a task of our own. */
static int start_sparsify_task(struct request *req, struct response *resp,
			       const struct image_ref *ref, uint64_t sparse_size)
{
	struct json_object *record =
		api_local_task_record("sparsify", ref, "Sparsifying image %s", ref->spec);

	if (!record || json_add_u64(record, "sparse_size", sparse_size) < 0) {
		json_object_put(record);
		return response_oom(resp);
	}
	return api_local_task_start(req, resp, record);
}

int api_image_sparsify(struct request *req, struct response *resp)
{
	struct json_object *body;
	uint64_t sparse_size = SPARSE_SIZE_DEFAULT;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int async;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	/* No body is needed; one that is sent is checked. */
	r = api_request_body_optional(req, resp, sparsify_fields, &body);
	if (r < 0)
		return r;
	json_in_size(body, "sparse_size", &sparse_size);
	/* One change of the image at a time (a delete racing it waits). */
	r = api_image_use_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = sparse_size_check(resp, image, &ref, sparse_size);
	if (r < 0)
		return r;
	if (async)
		return start_sparsify_task(req, resp, &ref, sparse_size);
	r = api_sync_data_begin(req, resp, image, &ref, "sparsifying");
	if (r < 0)
		return r;
	r = image_handle_sparsify(image, sparse_size);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "sparsifying");
	/* Closed before the answer reads the image afresh. */
	api_release(req, image);
	return api_respond_image(resp, ioctx, &ref, 200);
}
