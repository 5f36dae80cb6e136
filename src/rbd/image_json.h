/* SPDX-License-Identifier: Apache-2.0 */
/* image_json.h - the contract's Image object, from an open image. */
#ifndef RBD_REST_API_IMAGE_JSON_H
#define RBD_REST_API_IMAGE_JSON_H

#include <stdint.h>
#include <time.h>

#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

/* What an Image shows, read from an open image (image_facts_read) or
 * straight from its header (image_header.h). */
struct image_facts {
	/* Owned, as long as librbd says: no constant of librbd's bounds
	 * them (a data-pool image's prefix is longer than
	 * RBD_MAX_BLOCK_NAME_SIZE, "rbd_data.POOLID.ID"). */
	char *id;
	char *prefix;                            /* block_name_prefix */
	uint64_t size, object_size, num_objects;
	int order;
	int format;                              /* 1 or 2 */
	uint64_t features, op_features, flags;
	int snapshots;                           /* user snapshots */
	uint64_t stripe_unit, stripe_count;      /* object_size and 1 without striping */
	int has_parent;
	rbd_linked_image_spec_t parent;          /* when has_parent */
	rbd_snap_spec_t parent_snap;
	uint64_t overlap;                        /* when has_parent */
	/* The group the image is in (in the image's namespace: librbd
	 * keeps them together), or group_pool -1 and group_name NULL. */
	int64_t group_pool;
	char *group_name;
	struct timespec created, accessed, modified;
	int64_t data_pool;                       /* -1: none (data in the image's pool) */
};

/* Fills facts from an open image (no cluster round trip: librbd read it
 * all when opening). Returns 0 or a negative errno; on 0 the caller calls
 * image_facts_cleanup (which is also safe on zeroed facts). */
int image_facts_read(rbd_image_t image, struct image_facts *facts);
void image_facts_cleanup(struct image_facts *facts);

/* Adds the Image fields to obj (an envelope for a single image, a bare
 * object for a list item). Returns 0 or a negative errno. */
int image_facts_json(const struct image_facts *facts, rados_ioctx_t ioctx, const char *pool,
		     const char *ns, const char *name, struct json_object *obj);

/* Adds the Image fields of image (opened from ioctx, read-only is
 * enough) to obj: an envelope for a single image, a bare object for a list
 * item. Everything it reads is already in the opened image, so this costs
 * no cluster round trip. Returns 0 or a negative errno. */
int image_json(rbd_image_t image, rados_ioctx_t ioctx, const char *pool, const char *ns,
	       const char *name, struct json_object *obj);

/* Number of snapshots of an open image, or a negative errno. */
int image_snapshot_count(rbd_image_t image);

#endif
