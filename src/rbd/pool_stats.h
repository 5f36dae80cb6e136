/* SPDX-License-Identifier: Apache-2.0 */
/* pool_stats.h - what `rbd pool stats` counts in a namespace of a pool:
 * its images and their snapshots, and the images in its trash. */
#ifndef RBD_REST_API_POOL_STATS_H
#define RBD_REST_API_POOL_STATS_H

#include <stdint.h>

#include <rados/librados.h>

/* One half of the counts: the live images or those in the trash. */
struct rbd_image_counts {
	uint64_t count;                 /* images */
	uint64_t size_bytes;        /* the sum of their sizes */
	uint64_t provisioned_bytes; /* each at its largest: its own size or a snapshot's
				     * (what the rbd CLI calls provisioned) */
	uint64_t snapshot_count;        /* their snapshots */
};

struct rbd_pool_counts {
	struct rbd_image_counts images;
	struct rbd_image_counts trash;
};

/* The counts of ioctx's namespace (rbd_pool_stats_get). Returns 0 or a
 * negative errno. */
int pool_counts_read(rados_ioctx_t ioctx, struct rbd_pool_counts *counts);

#endif
