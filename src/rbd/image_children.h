/* SPDX-License-Identifier: Apache-2.0 */
/* image_children.h - the clones of an image: the children of each of its
 * snapshots, with the name a deleted snapshot had (it lingers in the
 * trash namespace while it has clones). */
#ifndef RBD_REST_API_IMAGE_CHILDREN_H
#define RBD_REST_API_IMAGE_CHILDREN_H

#include <rbd/librbd.h>

/* Called for each child: snapshot is the parent's snapshot it hangs off,
 * snapshot_deleted set when that snapshot was deleted. Returns 0, or a
 * negative errno that ends the walk. */
typedef int (*image_child_fn)(void *arg, const rbd_linked_image_spec_t *child,
			      const char *snapshot, int snapshot_deleted);

/* What failed: listing the snapshots (snapshot ""), or the children of
 * snapshot. */
struct image_children_problem {
	int listing_snapshots;
	char snapshot[512];
};

/* Calls fn for every child of every snapshot of image (which is left set
 * at some snapshot: open it for this alone). A snapshot deleted during
 * the walk has no children left. Returns 0 or a negative errno (fn's, or
 * librbd's with problem filled). */
int image_children(rbd_image_t image, image_child_fn fn, void *arg,
		   struct image_children_problem *problem);

#endif
