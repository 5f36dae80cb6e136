/* SPDX-License-Identifier: Apache-2.0 */
/* api_data.h - what the content routes share (api_data.c): a transfer's
 * entry on the status page, in the metrics and in the audit line; the
 * client's body and answer as image_stream callbacks; the rules every
 * upload meets. api_diff.c uses them for diffs. */
#ifndef RBD_REST_API_API_DATA_H
#define RBD_REST_API_API_DATA_H

#include <stdint.h>
#include <sys/types.h>

#include <rbd/librbd.h>

#include "api.h"
#include "image_stream.h"

#define OCTET_STREAM "application/octet-stream"

/* One transfer: the request it belongs to, and its scoreboard entry. */
struct transfer {
	struct request *req;
	uint64_t reported;   /* bytes already added to the board's counters */
	int out;             /* a download */
};

/* direction: "download" or "upload"; total: the bytes expected (0: not
 * known). */
void transfer_begin(struct transfer *t, struct request *req, const char *direction,
		    const char *image, uint64_t total);
/* image_stream_io.progress, arg a struct transfer. */
void transfer_progress(void *arg, uint64_t bytes);
/* Ends the entry and writes the audit note (bytes, sha256, outcome). */
void transfer_end(struct transfer *t, const struct image_stream_result *res, int r);
/* image_stream_io.sink and .source, arg a struct transfer. */
int sink_to_client(void *arg, const char *buf, size_t len);
ssize_t source_from_client(void *arg, char *buf, size_t len);

/* The usual start of a handler of a snapshot's content or diff: ref for
 * the {image} capture, and its snapshot snap open read-only (owned by
 * the request), as api_snapshot_open_at gives it. */
int content_snapshot_use(struct request *req, struct response *resp, struct image_ref *ref,
			 const char *snap, char *spec, size_t speclen, rbd_image_t *image,
			 uint64_t *snap_id, uint64_t *size);

/* Content-Type application/octet-stream, else 415 (create: the message
 * names JSON too). */
int require_octet_stream(const struct request *req, struct response *resp, int create);
/* Before a write: releases probe (ref's image, open read-only to ask who
 * else has it open: 409 naming them, "... close it <then>"), then opens
 * it read-write into *image, owned by the request, with its exclusive
 * lock held, not handed over, for the rest of the write (409 when
 * another client holds it). On failure the answer is in resp. */
int upload_open(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		const struct image_ref *ref, rbd_image_t probe, const char *then,
		rbd_image_t *image);
/* What every write of content into an existing image does first: the
 * body must be octet-stream, the image is resolved and its service lock
 * taken, and it is opened read-only into *probe (owned by the request) to
 * ask who else has it open (before our own read-write open adds a
 * watch): upload_open next. */
int upload_prepare(struct request *req, struct response *resp, struct image_ref *ref,
		   rados_ioctx_t *ioctx, rbd_image_t *probe);

#endif
