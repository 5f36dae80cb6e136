/* SPDX-License-Identifier: Apache-2.0 */
/* image_header.h - an Image read straight from its header object.
 *
 * Opening an image with librbd takes several round trips to the OSD and
 * about 2 ms of CPU to build its context; a page of 100 images spent most
 * of its time there, and a single GET half of its. The header object
 * answers the same questions through the rbd object class, all in one read
 * operation: size, features, flags, prefix, data pool, timestamps,
 * snapshot ids, parent. That is the whole Image when the image is format 2
 * with no snapshots, no parent, no fancy striping and no migration; for
 * the others (-EAGAIN) the caller opens the image as before, so the answer
 * is the same either way. */
#ifndef RBD_REST_API_IMAGE_HEADER_H
#define RBD_REST_API_IMAGE_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>

#include "image_json.h"

#define IMAGE_HEADER_CALLS 12

/* One header read in flight. */
struct image_header_read {
	char id[64];
	unsigned char head_snap[8];   /* the encoded snap id the calls take */
	rados_read_op_t op;
	rados_completion_t done;
	char *out[IMAGE_HEADER_CALLS];
	size_t out_len[IMAGE_HEADER_CALLS];
	int rval[IMAGE_HEADER_CALLS];
	uint64_t version;             /* the header object's, kept once finished (image_header_version) */
};

/* Starts reading the header of the image with id (in ioctx's pool and
 * namespace). Returns 0, or a negative errno with nothing in flight. */
int image_header_start(rados_ioctx_t ioctx, const char *id, struct image_header_read *read);

/* Waits for a started read and fills facts. Returns 0; -EAGAIN when the
 * image must be opened to be described; -ENOENT when it no longer exists;
 * the read is finished either way. */
int image_header_finish(struct image_header_read *read, struct image_facts *facts);

/* Abandons a started read (waits for it, frees it). */
void image_header_discard(struct image_header_read *read);

/* The id of image name (format 2) from the pool's directory, or -ENOENT
 * (no such image, or a format 1 one). */
int image_header_id(rados_ioctx_t ioctx, const char *name, char *id, size_t idlen);

/* The other way: the name of the image with id in the pool's directory,
 * or -ENOENT (no such image, or one in the trash, which has left the
 * directory). -ENAMETOOLONG when it does not fit in namelen. */
int image_header_name(rados_ioctx_t ioctx, const char *id, char *name, size_t namelen);

/* The version of the header object of the image with id: the cluster
 * bumps it with every change of the image (size, features, snapshots,
 * metadata, lock owner), whoever makes it. Returns 0, -ENOENT, or another
 * negative errno. The io context must be the caller's alone. */
int image_header_version(rados_ioctx_t ioctx, const char *id, uint64_t *version);

#endif
