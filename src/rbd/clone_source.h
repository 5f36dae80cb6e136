/* SPDX-License-Identifier: Apache-2.0 */
/* clone_source.h - the parent snapshot a clone is made from: found and
 * checked before the clone (image_make_clone), and asked why librbd
 * refused a clone, which its bare EINVAL does not tell. */
#ifndef RBD_REST_API_CLONE_SOURCE_H
#define RBD_REST_API_CLONE_SOURCE_H

#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* The step of clone_source_open that failed. */
enum clone_source_step {
	CLONE_SOURCE_OPEN = 1,     /* opening the parent image */
	CLONE_SOURCE_SNAPSHOT_ID,  /* naming the snapshot with that id */
	CLONE_SOURCE_SNAPSHOT,     /* finding the snapshot */
};

struct clone_source {
	rbd_image_t image;           /* the parent, open read-only (image_handle_close) */
	char snapshot[512];          /* the snapshot's name */
	char trash_id[64];           /* after -ENOENT opening it: its id when it is in the trash */
	enum clone_source_step step; /* when it failed: where */
};

/* Opens image name of ioctx read-only and finds its snapshot: by name, or
 * when snapshot is NULL the user snapshot with snapshot_id (-ENOENT for
 * an id of a group, mirror or trash snapshot, which rbd clone cannot name
 * either). Returns 0, or a negative errno with src->image NULL. */
int clone_source_open(rados_ioctx_t ioctx, const char *name, const char *snapshot,
		      uint64_t snapshot_id, struct clone_source *src);

/* Why librbd refused a clone (EINVAL or ENOSYS), as far as the parent
 * tells. */
enum clone_refusal {
	CLONE_REFUSED_UNKNOWN,
	CLONE_REFUSED_FORMAT_1,     /* the parent is format 1: no clones */
	CLONE_REFUSED_NO_LAYERING,  /* the parent lacks the layering feature */
	CLONE_REFUSED_UNPROTECTED,  /* clone format 1 and the snapshot is not protected */
};
enum clone_refusal clone_refusal_of(rbd_image_t parent, const char *snapshot);

#endif
