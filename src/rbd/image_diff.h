/* SPDX-License-Identifier: Apache-2.0 */
/* image_diff.h - an image's changes between two snapshots, in the rbd
 * CLI's own diff format, out to a client or in from one.
 *
 * The stream is the one `rbd export-diff` writes and `rbd import-diff`
 * reads (Ceph's doc/dev/rbd-diff.rst): a banner ("rbd diff v1\n" or
 * "rbd diff v2\n"), metadata records (f: from snapshot, t: to snapshot,
 * s: size), data records (w: offset, length, bytes; z: offset, length of
 * zeros) and e. Version 2 puts a le64 length of the rest after every tag
 * but e, so a reader can skip a tag it does not know.
 *
 * Out: the extents come from rbd_diff_iterate2 (parent included, as the
 * CLI does) and go through image_stream's reader, so reads stay in
 * flight while the stream goes out; data that reads as zeros is sent as
 * a z record, as the CLI does. In: records are checked as they arrive
 * and written through image_stream's writer. Neither holds the stream. */
#ifndef RBD_REST_API_IMAGE_DIFF_H
#define RBD_REST_API_IMAGE_DIFF_H

#include <stdint.h>

#include <rbd/librbd.h>

#include "image_stream.h"

/* Writes the diff of the image (opened at the snapshot to_snap, size
 * bytes) since from_snap (NULL: since the image was made) to io->sink,
 * as version 1 or 2. res counts the stream's bytes and their sha256.
 * Returns 0 or a negative errno (librbd's, the sink's -EPIPE). */
int image_diff_export(rbd_image_t image, const char *from_snap, const char *to_snap,
		      uint64_t size, int version, const struct image_stream_io *io,
		      struct image_stream_result *res);

/* Why applying a diff stopped. */
enum image_diff_problem {
	DIFF_APPLIED,
	DIFF_MALFORMED,    /* not a diff, bad record, record past the end */
	DIFF_TRUNCATED,    /* the stream ended before its e record */
	DIFF_FROM_MISSING, /* the from snapshot is not on the image */
	DIFF_END_EXISTS,   /* the end snapshot is already on the image */
	DIFF_CLUSTER,      /* librbd failed (errno in the return value) */
};

struct image_diff_applied {
	struct image_stream_result stream; /* bytes of the stream read, sha256 */
	enum image_diff_problem problem;
	uint64_t record_offset;  /* where the failing record starts in the stream */
	char record;             /* its tag, or 0 (the banner) */
	uint64_t size;           /* the image's size after the s record */
	uint64_t data_bytes;     /* written from w records */
	uint64_t zero_bytes;     /* zeroed by z records */
	int changed;             /* anything written or resized */
	char end_snap[256];      /* the end snapshot made, or "" */
	char detail[512];        /* what was wrong, for the message */
};

/* Applies the diff read from io->source to image (open read-write, its
 * exclusive lock held), as `rbd import-diff` does: the from snapshot
 * must exist, the end snapshot must not; s resizes; w and z are written;
 * the end snapshot is made after e. Returns 0, or a negative errno with
 * out->problem and out->detail saying what went wrong and where. */
int image_diff_apply(rbd_image_t image, const struct image_stream_io *io,
		     struct image_diff_applied *out);

/* One extent of rbd_diff_iterate2: allocated (or changed) data, or a
 * hole (or a range discarded since from). */
struct image_extent {
	uint64_t offset;
	uint64_t length;
	int exists;
};

/* The extents of the image (opened at a snapshot, size bytes) changed
 * since from_snap (NULL: allocated at all), from start on, parent
 * included, as `rbd diff` lists them: at most max into out (*n of them);
 * *next is where the next one starts when more remain, else UINT64_MAX.
 * Returns 0 or librbd's negative errno. */
int image_diff_extents(rbd_image_t image, const char *from_snap, uint64_t start, uint64_t size,
		       int whole_object, struct image_extent *out, size_t max, size_t *n,
		       uint64_t *next);

#endif
