/* SPDX-License-Identifier: Apache-2.0 */
/* image_make.h - new images: a plain create, and the images made under a
 * name of their own and renamed once whole (unfinished.h): a clone, a
 * copy, a create filled with content.
 *
 * Each is one call: it checks the name is free, makes the image under its
 * own name, renames it, and when a step failed removes what it made. The
 * result says which step failed and whether anything was left, so the
 * caller can word the answer. The caller takes the service's image lock
 * on the name first, so makes onto one name take turns (librbd's renames
 * of two images onto one name race: both can answer 0). */
#ifndef RBD_REST_API_IMAGE_MAKE_H
#define RBD_REST_API_IMAGE_MAKE_H

#include <stdint.h>

#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

#include "unfinished.h"

/* How a new image is laid out; zero fields are librbd's defaults. */
struct image_layout {
	int has_features;
	uint64_t features;
	uint64_t object_size;   /* a power of two */
	uint64_t stripe_unit;   /* with stripe_count, or neither */
	uint64_t stripe_count;
	const char *data_pool;  /* NULL: the image's pool */
};

/* Sets librbd's options for a format 2 image with layout. Returns 0 or a
 * negative errno. */
int image_layout_options(const struct image_layout *layout, rbd_image_options_t opts);

/* The step of a make that failed. */
enum image_make_step {
	IMAGE_MAKE_OPTIONS = 1,  /* librbd refused the image options */
	IMAGE_MAKE_EXISTS,       /* the name is taken: -EEXIST, nothing made */
	IMAGE_MAKE_NAME,         /* no name of its own (no randomness) */
	IMAGE_MAKE_CREATE,       /* creating the image */
	IMAGE_MAKE_OPEN,         /* opening the new image to fill it */
	IMAGE_MAKE_FILL,         /* the caller's fill */
	IMAGE_MAKE_CLONE,        /* librbd's clone */
	IMAGE_MAKE_COPY,         /* librbd's copy or deep copy */
	IMAGE_MAKE_RENAME,       /* renaming the whole image to its name */
};

struct image_make_result {
	enum image_make_step step;     /* when the make failed: where */
	int left;                      /* then: < 0 when what was made could not be removed */
	char temp[UNFINISHED_NAME_MAX]; /* the name it was made under (and is left as) */
};

/* Creates image name of size bytes with layout (plain: librbd removes
 * what a failed create made). Steps: OPTIONS, CREATE. */
int image_create(rados_ioctx_t ioctx, const char *name, uint64_t size,
		 const struct image_layout *layout, struct image_make_result *res);

/* Clones snapshot of image parent (in parent_ioctx) into image name of
 * ioctx, with layout and clone_format (1 or 2; 0: the cluster's choice).
 * Steps: OPTIONS, EXISTS, NAME, CLONE, RENAME. */
int image_make_clone(rados_ioctx_t parent_ioctx, const char *parent, const char *snapshot,
		     uint64_t clone_format, rados_ioctx_t ioctx, const char *name,
		     const struct image_layout *layout, struct image_make_result *res);

/* Copies the open source (at the snapshot set on it, if any) into image
 * name of ioctx: deep (snapshots and parent come along) or only the
 * current data, with the choices of options (copy_options.h). Steps:
 * OPTIONS, EXISTS, NAME, COPY, RENAME. */
int image_make_copy(rbd_image_t source, int deep, struct json_object *options,
		    rados_ioctx_t ioctx, const char *name, struct image_make_result *res);

/* Writes the content of a new image; returns 0 or a negative errno. */
typedef int (*image_fill_fn)(void *arg, rbd_image_t image);

/* Creates image name of size bytes with layout, opened read-write for
 * fill(arg, image), closed, and renamed. Steps: OPTIONS, EXISTS, NAME,
 * CREATE, OPEN, FILL (fill's errno), RENAME. */
int image_make_filled(rados_ioctx_t ioctx, const char *name, uint64_t size,
		      const struct image_layout *layout, image_fill_fn fill, void *arg,
		      struct image_make_result *res);

#endif
