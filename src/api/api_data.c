/* SPDX-License-Identifier: Apache-2.0 */
/* api_data.c - image content over HTTP: download (GET/HEAD .../data of an
 * image or a snapshot), upload (PUT .../data), create from an upload
 * (POST .../images with an application/octet-stream body).
 *
 * The bytes move in rbd/image_stream.c; here are the HTTP rules around
 * them (ranges, entity tags, lengths, who else has the image open), the
 * transfer's entry on the status page and in the metrics, and its audit
 * note: bytes, sha256, and whether the client stayed to the end. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "api_data.h"
#include "api_create.h"
#include "byte_range.h"
#include "conf.h"
#include "image_handle.h"
#include "image_make.h"
#include "image_stream.h"
#include "json_out.h"
#include "log.h"
#include "routes.h"
#include "scoreboard.h"

/* The SHA-256 of nothing, for an empty body. */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

void transfer_begin(struct transfer *t, struct request *req, const char *direction,
			   const char *image, uint64_t total)
{
	struct thread_score *slot = req->score;

	t->req = req;
	t->reported = 0;
	t->out = strcmp(direction, "download") == 0;
	if (!slot)
		return;
	snprintf(slot->transfer_direction, sizeof(slot->transfer_direction), "%s", direction);
	snprintf(slot->transfer_user, sizeof(slot->transfer_user), "%s", req->user);
	snprintf(slot->transfer_image, sizeof(slot->transfer_image), "%s", image);
	slot->transfer_total = total;
	slot->transfer_started_ms = scoreboard_now_ms();
	__atomic_store_n(&slot->transfer_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->alive_ms, slot->transfer_started_ms, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->transfer, 1, __ATOMIC_RELEASE);
}

void transfer_progress(void *arg, uint64_t bytes)
{
	struct transfer *t = arg;
	struct scoreboard *board = t->req->env->board;
	struct thread_score *slot = t->req->score;

	__atomic_fetch_add(t->out ? &board->data_bytes_out : &board->data_bytes_in,
			   bytes - t->reported, __ATOMIC_RELAXED);
	t->reported = bytes;
	if (!slot)
		return;
	__atomic_store_n(&slot->transfer_bytes, bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->alive_ms, scoreboard_now_ms(), __ATOMIC_RELAXED);
}

/* Ends the transfer's entry and writes its audit note: how much moved,
 * its checksum, and how it ended. */
void transfer_end(struct transfer *t, const struct image_stream_result *res, int r)
{
	struct request *req = t->req;
	const char *outcome = r == 0 ? "complete" : r == -EPIPE ? "client_gone" : "failed";
	char err[24] = "";

	if (req->score)
		__atomic_store_n(&req->score->transfer, 0, __ATOMIC_RELEASE);
	if (r == -EPIPE)
		__atomic_fetch_add(&req->env->board->transfers_broken, 1, __ATOMIC_RELAXED);
	else if (r < 0)
		snprintf(err, sizeof(err), " errno=%d", -r);
	snprintf(req->transfer_note, sizeof(req->transfer_note),
		 "transfer=%s bytes=%" PRIu64 " zero_bytes=%" PRIu64 " sha256=%s outcome=%s%s",
		 t->out ? "download" : "upload", res->bytes, res->zero_bytes,
		 res->sha256[0] ? res->sha256 : "-", outcome, err);
}

int sink_to_client(void *arg, const char *buf, size_t len)
{
	struct transfer *t = arg;

	return t->req->answer_write(t->req, buf, len);
}

ssize_t source_from_client(void *arg, char *buf, size_t len)
{
	struct transfer *t = arg;

	return t->req->body_read(t->req, buf, len);
}

/* Content-Type application/octet-stream (parameters allowed), else 415;
 * for a create, whose body may be JSON too, the message says both. */
int require_octet_stream(const struct request *req, struct response *resp, int create)
{
	const char *type = req->content_type;
	size_t n = strlen(OCTET_STREAM);

	if (type && strncasecmp(type, OCTET_STREAM, n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' '))
		return 0;
	if (create)
		return response_fail_http(resp, 415,
					  "a create's body is sent with Content-Type: application/json, or, to create the image from an upload of its content, application/octet-stream; not %s",
					  type && *type ? type : "without a Content-Type");
	return response_fail_http(resp, 415,
				  "image content is sent as Content-Type: application/octet-stream, not %s",
				  type && *type ? type : "without a Content-Type");
}

static int image_size(struct response *resp, rbd_image_t image, const struct image_ref *ref,
		      uint64_t *size)
{
	int r = image_handle_size(image, size);

	return r < 0 ? api_image_fail(resp, r, ref, "reading the size of") : 0;
}

/* Sends length bytes of the open image from first, as resp's answer. */
static int send_content(struct request *req, struct response *resp, rbd_image_t image,
			const char *spec, uint64_t first, uint64_t length)
{
	struct image_stream_result res = {0};
	struct transfer t;
	struct image_stream_io io = {sink_to_client, NULL, transfer_progress, &t};
	int r;

	resp->accept_ranges = 1;
	r = req->answer_start(req, resp, OCTET_STREAM, length);
	if (r < 0 || req->method == HTTP_HEAD)
		return 0;
	transfer_begin(&t, req, "download", spec, length);
	r = image_stream_read(image, first, length, &io, &res);
	transfer_end(&t, &res, r);
	return 0;
}

/* The range to send of content of size bytes, by Range and If-Range
 * (which holds only with the strong tag etag, when there is one): 200 for
 * all of it, 206 for one range; 416 or 400 in resp otherwise. */
static int choose_range(const struct request *req, struct response *resp, const char *etag,
			uint64_t size, uint64_t *first, uint64_t *length)
{
	int r;

	*first = 0;
	*length = size;
	resp->status = 200;
	if (!req->range)
		return 0;
	/* A validator that does not match the content: send all of it. */
	if (req->if_range && (!etag || strcmp(req->if_range, etag) != 0))
		return 0;
	r = byte_range_parse(req->range, size, first, length);
	if (r == -ERANGE) {
		snprintf(resp->content_range, sizeof(resp->content_range), "bytes */%" PRIu64, size);
		return response_fail_http(resp, 416,
					  "Range \"%s\" is not satisfiable: the content has %" PRIu64 " bytes",
					  req->range, size);
	}
	if (r == -E2BIG)
		return response_fail(resp, -EINVAL,
				     "Range \"%s\" asks for several ranges; ask for one range a request",
				     req->range);
	if (r < 0)
		return response_fail(resp, -EINVAL,
				     "Range \"%s\" is malformed: give one range, bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX",
				     req->range);
	resp->status = 206;
	snprintf(resp->content_range, sizeof(resp->content_range),
		 "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, *first, *first + *length - 1, size);
	return 0;
}

int api_image_data_get(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	uint64_t size, first, length;
	int r;

	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = image_size(resp, image, &ref, &size);
	if (r < 0)
		return r;
	/* The image may change under the client: no tag, so If-Range never
	 * holds and a resumed download starts over (read a snapshot). */
	r = choose_range(req, resp, NULL, size, &first, &length);
	if (r < 0)
		return r;
	return send_content(req, resp, image, ref.spec, first, length);
}

/* A snapshot's content never changes: its tag is the image's id and the
 * snapshot's. */
static int snapshot_etag(rbd_image_t image, uint64_t snap_id, char *etag, size_t len)
{
	char id[64];
	int r = image_handle_id(image, id, sizeof(id));

	if (r < 0)
		return r;
	snprintf(etag, len, "\"%s-%" PRIx64 "\"", id, snap_id);
	return 0;
}

/* Does If-None-Match (a list of tags, or "*") name etag? The weak
 * comparison applies: W/"x" matches "x". */
static int if_none_match_holds(const char *header, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = header;

	for (;;) {
		const char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - p) == n && strncmp(p, etag, n) == 0)
			return 1;
		p = strchr(p, ',');
		if (!p)
			return 0;
		p++;
	}
}

int content_snapshot_use(struct request *req, struct response *resp, struct image_ref *ref,
			 const char *snap, char *spec, size_t speclen, rbd_image_t *image,
			 uint64_t *snap_id, uint64_t *size)
{
	rados_ioctx_t ioctx;
	int r;

	r = api_image_request(req, resp, ref, &ioctx);
	if (r < 0)
		return r;
	r = api_snapshot_open_at(resp, ioctx, ref, snap, spec, speclen, image, snap_id, size);
	if (r < 0)
		return r;
	return api_own(req, resp, image_handle_close, *image);
}

int api_snapshot_data_get(struct request *req, struct response *resp)
{
	char spec[IMAGE_SPEC_MAX + 260], etag[96];
	struct image_ref ref;
	rbd_image_t image;
	uint64_t snap_id, size, first, length;
	int r;

	r = content_snapshot_use(req, resp, &ref, request_capture(req, "snapshot"), spec,
				 sizeof(spec), &image, &snap_id, &size);
	if (r < 0)
		return r;
	r = snapshot_etag(image, snap_id, etag, sizeof(etag));
	if (r < 0)
		return api_image_fail(resp, r, &ref, "reading the id of");
	resp->etag = strdup(etag);
	if (!resp->etag)
		return response_oom(resp);
	if (req->if_none_match && if_none_match_holds(req->if_none_match, etag)) {
		resp->status = 304;
		return 0;
	}
	r = choose_range(req, resp, etag, size, &first, &length);
	if (r < 0)
		return r;
	return send_content(req, resp, image, spec, first, length);
}

/* Where the body goes: from Content-Range, else offset 0; the whole
 * body must fit in the image (checked before anything is written). */
static int upload_place(const struct request *req, struct response *resp,
			const struct image_ref *ref, uint64_t size, uint64_t *offset)
{
	uint64_t first, length, total;

	*offset = 0;
	if (req->content_range) {
		if (content_range_parse(req->content_range, &first, &length, &total) < 0)
			return response_fail(resp, -EINVAL,
					     "Content-Range \"%s\" is malformed: send bytes FIRST-LAST/SIZE or bytes FIRST-LAST/*",
					     req->content_range);
		if (length != req->body_length)
			return response_fail(resp, -EINVAL,
					     "Content-Range \"%s\" covers %" PRIu64 " bytes but the body has %" PRIu64,
					     req->content_range, length, req->body_length);
		snprintf(resp->content_range, sizeof(resp->content_range), "bytes */%" PRIu64, size);
		if (total != UINT64_MAX && total != size)
			return response_fail_http(resp, 416,
						  "Content-Range \"%s\" gives the size %" PRIu64 " but image %s has %" PRIu64 " bytes; nothing was written",
						  req->content_range, total, ref->spec, size);
		if (first + length > size)
			return response_fail_http(resp, 416,
						  "Content-Range \"%s\" ends past the end of image %s (%" PRIu64 " bytes); nothing was written (resize the image first)",
						  req->content_range, ref->spec, size);
		resp->content_range[0] = '\0';
		*offset = first;
		return 0;
	}
	if (req->body_length > size)
		return response_fail_http(resp, 413,
					  "the body has %" PRIu64 " bytes, more than image %s holds (%" PRIu64 " bytes); nothing was written (resize the image first, or send a part with Content-Range)",
					  req->body_length, ref->spec, size);
	return 0;
}

/* The DataWrite answer, or the error of a write that did not complete. */
static int answer_write(struct response *resp, const struct image_ref *ref, uint64_t offset,
			const struct image_stream_result *res, uint64_t expected, int r)
{
	struct json_object *body;

	if (r == -EPIPE)
		return response_fail(resp, -EINVAL,
				     "the body ended after %" PRIu64 " of %" PRIu64 " bytes (the client went away): image %s holds the bytes received from offset %" PRIu64 "; send the rest again with Content-Range",
				     res->bytes, expected, ref->spec, offset);
	if (r < 0)
		return response_fail_errno(resp, r,
					   "writing image %s failed after %" PRIu64 " bytes from offset %" PRIu64,
					   ref->spec, res->bytes, offset);
	body = json_envelope("DataWrite");
	if (!body || json_add_u64(body, "offset", offset) < 0 ||
	    json_add_u64(body, "bytes", res->bytes) < 0 ||
	    json_add_u64(body, "zero_bytes", res->zero_bytes) < 0 ||
	    json_add_string(body, "sha256", res->sha256[0] ? res->sha256 : EMPTY_SHA256) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

/* Takes the image's exclusive lock for the rest of the write
 * (image_handle_lock_for_write). */
static int lock_for_write(struct response *resp, rbd_image_t image, const struct image_ref *ref)
{
	int locking;
	int r = image_handle_lock_for_write(image, &locking);

	if (r == -EBUSY)
		return response_fail(resp, -EBUSY,
				     "image %s is in use: another client holds its exclusive lock; close it before uploading",
				     ref->spec);
	if (r < 0)
		return api_image_fail(resp, r, ref, locking ? "locking" : "reading the features of");
	return 0;
}

int upload_open(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		const struct image_ref *ref, rbd_image_t probe, const char *then,
		rbd_image_t *image)
{
	int r = api_refuse_if_open(resp, probe, ref, then);

	api_release(req, probe);
	if (r < 0)
		return r;
	r = api_image_open_owned(req, resp, ioctx, ref, 1, image);
	if (r < 0)
		return r;
	return lock_for_write(resp, *image, ref);
}

int upload_prepare(struct request *req, struct response *resp, struct image_ref *ref,
		   rados_ioctx_t *ioctx, rbd_image_t *probe)
{
	int r;

	r = require_octet_stream(req, resp, 0);
	if (r < 0)
		return r;
	r = api_image_request(req, resp, ref, ioctx);
	if (r < 0)
		return r;
	r = api_image_lock(req, resp, ref);
	if (r < 0)
		return r;
	return api_image_open_owned(req, resp, *ioctx, ref, 0, probe);
}

int api_image_data_put(struct request *req, struct response *resp)
{
	struct image_stream_result res = {0};
	struct image_ref ref;
	struct transfer t;
	struct image_stream_io io = {NULL, source_from_client, transfer_progress, &t};
	rados_ioctx_t ioctx;
	rbd_image_t probe, image;
	uint64_t size, offset;
	int r;

	r = upload_prepare(req, resp, &ref, &ioctx, &probe);
	if (r < 0)
		return r;
	r = image_size(resp, probe, &ref, &size);
	if (r < 0)
		return r;
	r = upload_place(req, resp, &ref, size, &offset);
	if (r < 0)
		return r;
	r = upload_open(req, resp, ioctx, &ref, probe, "before uploading into it", &image);
	if (r < 0)
		return r;
	transfer_begin(&t, req, "upload", ref.spec, req->body_length);
	r = image_stream_write(image, offset, req->body_length, 0, &io, &res);
	transfer_end(&t, &res, r);
	return answer_write(resp, &ref, offset, &res, req->body_length, r);
}

/* The query of a create from an upload, checked as the JSON create's
 * fields are (the same rules and messages). */
const struct field_spec upload_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{"size", FIELD_SIZE, 0},
	{"object_size", FIELD_SIZE, 0},
	{"features", FIELD_STRING_ARRAY, 0},
	{"data_pool", FIELD_NAME, 0},
	{NULL, 0, 0},
};

static int query_to_json(const struct request *req, struct json_object **out)
{
	struct json_object *obj = json_object_new_object();
	int r = obj ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < req->nquery; i++) {
		const char *key = req->query[i].key, *value = req->query[i].value;

		if (strcmp(key, "features") == 0) {
			struct json_object *list = json_object_new_array();
			char *copy = strdup(value), *save = NULL;

			r = list && copy && json_object_object_add(obj, key, list) == 0 ? 0 : -ENOMEM;
			if (r < 0)
				json_object_put(list);
			for (char *f = copy ? strtok_r(copy, ",", &save) : NULL; r == 0 && f;
			     f = strtok_r(NULL, ",", &save))
				r = json_array_take(list, json_object_new_string(f));
			free(copy);
		} else {
			r = json_add_string(obj, key, value);
		}
	}
	if (r < 0) {
		json_object_put(obj);
		return r;
	}
	*out = obj;
	return 0;
}

/* What the content of a new image is written from. */
struct upload_fill {
	struct request *req;
	const struct image_ref *ref;
	struct image_stream_result res;
};

/* image_fill_fn: the body into the new image, as one transfer. */
static int fill_from_client(void *arg, rbd_image_t image)
{
	struct upload_fill *f = arg;
	struct transfer t;
	struct image_stream_io io = {NULL, source_from_client, transfer_progress, &t};
	int r;

	transfer_begin(&t, f->req, "upload", f->ref->spec, f->req->body_length);
	r = image_stream_write(image, 0, f->req->body_length, 1, &io, &f->res);
	transfer_end(&t, &f->res, r);
	return r;
}

/* The answer for a create from an upload that did not make the image. */
static int upload_create_failed(struct request *req, struct response *resp, int r,
				const struct image_make_result *made,
				const struct image_stream_result *res, const struct image_ref *ref)
{
	/* Whatever of it exists was removed: it had a name nobody else uses. */
	if (made->left < 0)
		log_event(LOG_LEVEL_WARN, req->request_id, req->user,
			  "event=upload.leftover image=%s msg=\"the unfinished image could not be removed: delete it\"",
			  made->temp);
	if (api_make_failed_early(resp, r, made, ref->spec, "the new image") < 0)
		return r;
	switch (made->step) {
	case IMAGE_MAKE_CREATE:
		return response_fail_errno(resp, r, "creating image %s failed", ref->spec);
	case IMAGE_MAKE_OPEN:
		return response_fail_errno(resp, r, "opening the new image %s failed", ref->spec);
	case IMAGE_MAKE_RENAME:
		return response_fail_errno(resp, r, "naming the uploaded image %s failed", ref->spec);
	default:
		break;
	}
	if (r == -EPIPE)
		return response_fail(resp, -EINVAL,
				     "the body ended after %" PRIu64 " of %" PRIu64 " bytes (the client went away); image %s was not created",
				     res->bytes, req->body_length, ref->spec);
	return response_fail_errno(resp, r,
				   "writing the new image %s failed after %" PRIu64 " bytes; it was not created",
				   ref->spec, res->bytes);
}

int api_image_create_upload(struct request *req, struct response *resp)
{
	struct json_object *query = NULL;
	struct upload_fill fill = {req, NULL, {0}};
	struct image_make_result made;
	struct image_layout layout;
	struct create_request c;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	uint64_t size;
	int r;

	r = require_octet_stream(req, resp, 1);
	if (r < 0)
		return r;
	if (query_to_json(req, &query) < 0)
		return response_oom(resp);
	r = api_own(req, resp, api_release_json, query);
	if (r < 0)
		return r;
	r = json_in_check_fields(query, upload_create_fields, "query string", resp);
	if (r == 0)
		r = api_create_request_parse(query, &c, resp);
	if (r < 0)
		return r;
	size = json_object_object_get_ex(query, "size", NULL) ? c.size : req->body_length;
	if (req->body_length > size)
		return response_fail_http(resp, 413,
					  "the body has %" PRIu64 " bytes, more than the size asked for (%" PRIu64 "); nothing was created",
					  req->body_length, size);
	r = api_create_target(req, resp, &c, &ref, &ioctx);
	if (r < 0)
		return r;
	/* As copies: creates onto one name take turns (image_make.h). */
	r = api_image_lock(req, resp, &ref);
	if (r < 0)
		return r;
	api_create_layout(&c, &layout);
	fill.ref = &ref;
	r = image_make_filled(ioctx, ref.name, size, &layout, fill_from_client, &fill, &made);
	if (r < 0)
		return upload_create_failed(req, resp, r, &made, &fill.res, &ref);
	r = api_respond_image(resp, ioctx, &ref, 201);
	if (r == 0) {
		json_add_string(resp->body, "sha256",
				fill.res.sha256[0] ? fill.res.sha256 : EMPTY_SHA256);
		api_location_image(resp, &ref, "");
	}
	return r;
}
