/* SPDX-License-Identifier: Apache-2.0 */
/* image_usage.c - how much of an image is written (image_usage.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "image_query.h"
#include "image_usage.h"

static int add_used(uint64_t offset, size_t len, int exists, void *arg)
{
	(void)offset;
	if (exists)
		*(uint64_t *)arg += len;
	return 0;
}

/* Bytes of whole objects written in the image's current snapshot (head
 * or one set with rbd_snap_set) since snapshot from (NULL: since
 * creation). */
static int used_bytes(rbd_image_t image, const char *from, uint64_t size, uint64_t *used)
{
	*used = 0;
	return rbd_diff_iterate2(image, from, 0, size, 0 /* not the parent's */,
				 1 /* whole objects */, add_used, used);
}

static int compare_snap_id(const void *a, const void *b)
{
	const rbd_snap_info_t *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Has the image a fast-diff map librbd can trust? */
static int fast_diff_valid(rbd_image_t image)
{
	uint64_t features = 0, flags = 0;

	if (rbd_get_features(image, &features) < 0 || rbd_get_flags(image, &flags) < 0)
		return 0;
	return (features & RBD_FEATURE_FAST_DIFF) && !(flags & RBD_FLAG_FAST_DIFF_INVALID);
}

/* What each snapshot holds beyond the one before it. */
static int snapshots_usage(rbd_image_t image, struct image_usage *u)
{
	for (int i = 0; i < u->count; i++) {
		int r = rbd_snap_set(image, u->snaps[i].name);

		if (r == 0)
			r = used_bytes(image, i ? u->snaps[i - 1].name : NULL, u->snaps[i].size,
				       &u->snap_used[i]);
		if (r < 0)
			return r;
		u->total += u->snap_used[i];
	}
	return rbd_snap_set(image, NULL);
}

int image_usage_measure(rbd_image_t image, struct image_usage *u)
{
	int r;

	memset(u, 0, sizeof(*u));
	r = rbd_get_size(image, &u->size);
	if (r < 0)
		return r;
	r = image_snapshots(image, &u->snaps);
	if (r < 0)
		return r;
	u->count = r;
	qsort(u->snaps, (size_t)u->count, sizeof(*u->snaps), compare_snap_id);
	u->snap_used = calloc((size_t)u->count + 1, sizeof(*u->snap_used));
	if (!u->snap_used)
		return -ENOMEM;
	r = snapshots_usage(image, u);
	/* Like `rbd du`: the head counts what changed since the newest
	 * snapshot, and the total adds up the image and its snapshots. */
	if (r == 0)
		r = used_bytes(image, u->count ? u->snaps[u->count - 1].name : NULL, u->size,
			       &u->used);
	if (r < 0)
		return r;
	u->total += u->used;
	u->fast_diff = fast_diff_valid(image);
	return 0;
}

void image_usage_free(struct image_usage *u)
{
	image_snapshots_free(u->snaps);
	free(u->snap_used);
	u->snaps = NULL;
	u->snap_used = NULL;
}
