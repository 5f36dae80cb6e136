/* SPDX-License-Identifier: Apache-2.0 */
/* image_usage.h - how much of an image is written, the way `rbd du`
 * counts it: whole objects written in each snapshot since the one
 * before, and in the head since the newest snapshot. With a valid
 * fast-diff object map librbd answers from the map without touching the
 * data objects. */
#ifndef RBD_REST_API_IMAGE_USAGE_H
#define RBD_REST_API_IMAGE_USAGE_H

#include <stdint.h>

#include <rbd/librbd.h>

struct image_usage {
	uint64_t size;            /* provisioned bytes of the head */
	uint64_t used;            /* written in the head since the newest snapshot */
	uint64_t total;           /* used plus every snapshot's */
	int fast_diff;            /* a fast-diff map librbd can trust */
	rbd_snap_info_t *snaps;   /* the snapshots, oldest first */
	uint64_t *snap_used;      /* what each holds beyond the one before */
	int count;
};

/* Measures the open image (read-only; left at its head). Returns 0 or a
 * negative errno: -ENOENT when a snapshot was deleted meanwhile. Free u
 * with image_usage_free either way. */
int image_usage_measure(rbd_image_t image, struct image_usage *u);
void image_usage_free(struct image_usage *u);

#endif
