/* SPDX-License-Identifier: Apache-2.0 */
/* pool_stats.c - reading `rbd pool stats` (see pool_stats.h). */
#include "config.h"

#include <errno.h>

#include <rbd/librbd.h>

#include "pool_stats.h"

int pool_counts_read(rados_ioctx_t ioctx, struct rbd_pool_counts *counts)
{
	const struct {
		int option;
		uint64_t *value;
	} wanted[] = {
		{RBD_POOL_STAT_OPTION_IMAGES, &counts->images.count},
		{RBD_POOL_STAT_OPTION_IMAGE_PROVISIONED_BYTES, &counts->images.size_bytes},
		{RBD_POOL_STAT_OPTION_IMAGE_MAX_PROVISIONED_BYTES, &counts->images.provisioned_bytes},
		{RBD_POOL_STAT_OPTION_IMAGE_SNAPSHOTS, &counts->images.snapshot_count},
		{RBD_POOL_STAT_OPTION_TRASH_IMAGES, &counts->trash.count},
		{RBD_POOL_STAT_OPTION_TRASH_PROVISIONED_BYTES, &counts->trash.size_bytes},
		{RBD_POOL_STAT_OPTION_TRASH_MAX_PROVISIONED_BYTES, &counts->trash.provisioned_bytes},
		{RBD_POOL_STAT_OPTION_TRASH_SNAPSHOTS, &counts->trash.snapshot_count},
	};
	rbd_pool_stats_t stats;
	int r = 0;

	*counts = (struct rbd_pool_counts){{0}, {0}};
	rbd_pool_stats_create(&stats);
	for (size_t i = 0; r == 0 && i < sizeof(wanted) / sizeof(wanted[0]); i++)
		r = rbd_pool_stats_option_add_uint64(stats, wanted[i].option, wanted[i].value);
	if (r == 0)
		r = rbd_pool_stats_get(ioctx, stats);
	rbd_pool_stats_destroy(stats);
	return r;
}
