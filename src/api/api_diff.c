/* SPDX-License-Identifier: Apache-2.0 */
/* api_diff.c - backups and restores in the rbd CLI's diff format: GET
 * .../snapshots/{snap}/diff (what `rbd export-diff` writes) and POST
 * .../images/{image}/diff (applied as `rbd import-diff` applies it).
 *
 * The stream moves in rbd/image_diff.c; here are the HTTP rules around
 * it, and the transfer's entry and audit note as for content
 * (api_data.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_data.h"
#include "image_diff.h"
#include "image_handle.h"
#include "json_out.h"
#include "names.h"
#include "routes.h"

/* from (a snapshot older than the one opened) checked, or NULL when not
 * given. */
static int diff_from(struct request *req, struct response *resp, rbd_image_t image,
		     const char *spec, uint64_t snap_id, const char **from)
{
	const char *why = NULL;
	uint64_t from_id;
	int r;

	*from = request_query(req, "from");
	if (!*from)
		return 0;
	if (name_check(*from, strlen(*from), &why) < 0)
		return response_fail(resp, -EINVAL, "query parameter from: %s", why);
	r = image_handle_snapshot_id(image, *from, &from_id);
	if (r == -ENOENT)
		return response_fail(resp, -ENOENT,
				     "snapshot %s (query parameter from) of the image of %s does not exist",
				     *from, spec);
	if (r < 0)
		return response_fail_errno(resp, r, "looking up snapshot %s failed", *from);
	if (from_id >= snap_id)
		return response_fail(resp, -EINVAL,
				     "query parameter from: snapshot %s is not older than %s; a diff goes from an older snapshot to a newer one",
				     *from, spec);
	return 0;
}

int api_snapshot_diff_get(struct request *req, struct response *resp)
{
	char spec[IMAGE_SPEC_MAX + 260];
	struct image_stream_result res = {0};
	struct image_ref ref;
	struct transfer t;
	struct image_stream_io io = {sink_to_client, NULL, transfer_progress, &t};
	const char *snap = request_capture(req, "snapshot"), *from;
	unsigned long format;
	rbd_image_t image;
	uint64_t snap_id, size;
	int r;

	r = request_query_uint(req, "format", 1, 1, 2, &format, resp);
	if (r < 0)
		return r;
	r = content_snapshot_use(req, resp, &ref, snap, spec, sizeof(spec), &image, &snap_id,
				 &size);
	if (r < 0)
		return r;
	r = diff_from(req, resp, image, spec, snap_id, &from);
	if (r < 0)
		return r;
	/* Its length is known only once sent (data that reads as zeros
	 * goes as a zero record): the answer goes without Content-Length,
	 * and its e record tells a reader it is whole. */
	resp->status = 200;
	r = req->answer_start(req, resp, OCTET_STREAM, SIZE_MAX);
	if (r < 0 || req->method == HTTP_HEAD)
		return 0;
	transfer_begin(&t, req, "download", spec, 0);
	r = image_diff_export(image, from, snap, size, (int)format, &io, &res);
	transfer_end(&t, &res, r);
	return 0;
}

/* The answer to a diff that was not applied whole. */
static int answer_unapplied(struct response *resp, const struct image_ref *ref,
			    const struct image_diff_applied *a, int r)
{
	char where[64], after[IMAGE_SPEC_MAX + 400];

	if (a->changed)
		snprintf(after, sizeof(after),
			 "Image %s holds part of the diff (the records before) and its end snapshot%s%s was not made: applying the same diff again completes it",
			 ref->spec, a->end_snap[0] ? " " : "", a->end_snap);
	else
		snprintf(after, sizeof(after), "Nothing was written to image %s", ref->spec);

	if (a->record)
		snprintf(where, sizeof(where), "record '%c' at byte %" PRIu64, a->record,
			 a->record_offset);
	else
		snprintf(where, sizeof(where), "byte %" PRIu64, a->record_offset);
	switch (a->problem) {
	case DIFF_FROM_MISSING:
	case DIFF_END_EXISTS:
		return response_fail_http(resp, 409, "the diff does not apply to image %s (%s): %s",
					  ref->spec, where, a->detail);
	case DIFF_MALFORMED:
	case DIFF_TRUNCATED:
		return response_fail(resp, -EINVAL, "the diff is %s at %s: %s. %s",
				     a->problem == DIFF_TRUNCATED ? "cut short" : "malformed", where,
				     a->detail, after);
	default:
		return response_fail_errno(resp, r, "applying the diff to image %s stopped at %s: %s. %s",
					   ref->spec, where, a->detail, after);
	}
}

static int answer_applied(struct response *resp, const struct image_diff_applied *a)
{
	struct json_object *body = json_envelope("DiffApplied");

	if (!body || json_add_u64(body, "bytes", a->stream.bytes) < 0 ||
	    json_add_string(body, "sha256", a->stream.sha256) < 0 ||
	    json_add_u64(body, "size", a->size) < 0 ||
	    json_add_u64(body, "data_bytes", a->data_bytes) < 0 ||
	    json_add_u64(body, "zero_bytes", a->zero_bytes) < 0 ||
	    (a->end_snap[0] && json_add_string(body, "end_snapshot", a->end_snap) < 0)) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

static void release_applied(void *what)
{
	free(what);
}

int api_image_diff_post(struct request *req, struct response *resp)
{
	struct image_diff_applied *applied;
	struct image_ref ref;
	struct transfer t;
	struct image_stream_io io = {NULL, source_from_client, transfer_progress, &t};
	rados_ioctx_t ioctx;
	rbd_image_t probe, image;
	int r;

	r = upload_prepare(req, resp, &ref, &ioctx, &probe);
	if (r < 0)
		return r;
	r = upload_open(req, resp, ioctx, &ref, probe, "before applying a diff to it", &image);
	if (r < 0)
		return r;
	applied = calloc(1, sizeof(*applied));
	if (!applied)
		return response_oom(resp);
	r = api_own(req, resp, release_applied, applied);
	if (r < 0)
		return r;
	transfer_begin(&t, req, "upload", ref.spec, req->body_length);
	r = image_diff_apply(image, &io, applied);
	transfer_end(&t, &applied->stream, applied->problem == DIFF_TRUNCATED ? -EPIPE : r);
	if (r < 0)
		return answer_unapplied(resp, &ref, applied, r);
	return answer_applied(resp, applied);
}

/* A page of extents: 1000 by default, at most 10000 (the page is built
 * in memory: 24 bytes an extent here, ~100 in the JSON). */
#define EXTENTS_LIMIT_DEFAULT 1000
#define EXTENTS_LIMIT_MAX 10000

/* The continue token: the offset where the next page starts. */
static int extents_start(struct request *req, struct response *resp, uint64_t *start)
{
	const char *token = request_query(req, "continue");
	char *end = NULL;

	*start = 0;
	if (!token)
		return 0;
	errno = 0;
	*start = strtoull(token, &end, 10);
	if (errno || end == token || *end || *token == '-')
		return response_fail(resp, -EINVAL,
				     "query parameter continue is not a token from a previous page of this listing");
	return 0;
}

static int extents_render(struct response *resp, const struct image_extent *ext, size_t n,
			  uint64_t next)
{
	struct json_object *items, *body = json_list_envelope("ExtentList", &items);
	char token[24];

	if (!body)
		return response_oom(resp);
	for (size_t i = 0; i < n; i++) {
		struct json_object *item = json_object_new_object();

		if (!item || json_add_u64(item, "offset", ext[i].offset) < 0 ||
		    json_add_u64(item, "length", ext[i].length) < 0 ||
		    json_add_bool(item, "exists", ext[i].exists) < 0 ||
		    json_array_take(items, item) < 0) {
			json_object_put(body);
			return response_oom(resp);
		}
	}
	snprintf(token, sizeof(token), "%" PRIu64, next);
	if (next != UINT64_MAX && json_add_string(body, "Continue", token) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

int api_snapshot_extents_get(struct request *req, struct response *resp)
{
	char spec[IMAGE_SPEC_MAX + 260];
	struct image_extent *ext = NULL;
	struct image_ref ref;
	const char *from;
	unsigned long limit;
	rbd_image_t image;
	uint64_t snap_id, size, start = 0, next;
	size_t n;
	int whole_object, r;

	r = request_query_uint(req, "limit", EXTENTS_LIMIT_DEFAULT, 1, EXTENTS_LIMIT_MAX, &limit,
			       resp);
	if (r == 0)
		r = request_query_bool(req, "whole_object", 0, &whole_object, resp);
	if (r == 0)
		r = extents_start(req, resp, &start);
	if (r < 0)
		return r;
	r = content_snapshot_use(req, resp, &ref, request_capture(req, "snapshot"), spec,
				 sizeof(spec), &image, &snap_id, &size);
	if (r < 0)
		return r;
	r = diff_from(req, resp, image, spec, snap_id, &from);
	if (r < 0)
		return r;
	ext = calloc(limit, sizeof(*ext));
	if (!ext)
		return response_oom(resp);
	r = image_diff_extents(image, from, start, size, whole_object, ext, limit, &n, &next);
	if (r < 0)
		r = response_fail_errno(resp, r, "listing the extents of %s failed", spec);
	else
		r = extents_render(resp, ext, n, next);
	free(ext);
	return r;
}
