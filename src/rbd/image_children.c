/* SPDX-License-Identifier: Apache-2.0 */
/* image_children.c - the clones of an image (image_children.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rbd/librbd.h>

#include "ceph.h"
#include "image_children.h"
#include "image_query.h"

static int children_list(void *handle, void *buf, size_t *count)
{
	return rbd_list_children3(handle, buf, count);
}

struct trash_snap {
	rbd_image_t image;
	uint64_t id;
};

/* The name a snapshot had before it was moved to the trash namespace. */
static int trash_snap_original_name(void *handle, char *buf, size_t len)
{
	const struct trash_snap *snap = handle;

	return rbd_snap_get_trash_namespace(snap->image, snap->id, buf, len);
}

/* The children of one snapshot, through fn. */
static int snapshot_children(rbd_image_t image, const rbd_snap_info_t *snap, image_child_fn fn,
			     void *arg)
{
	rbd_linked_image_spec_t *children = NULL;
	rbd_snap_namespace_type_t type = RBD_SNAP_NAMESPACE_TYPE_USER;
	struct trash_snap where = {image, snap->id};
	char *original = NULL;
	const char *name = snap->name;
	void *buf = NULL;
	size_t n = 0;
	int deleted = 0;
	int r;

	r = rbd_snap_set_by_id(image, snap->id);
	if (r < 0)
		return r;
	r = ceph_read_array(children_list, image, sizeof(*children), &buf, &n);
	if (r < 0)
		return r;
	children = buf;
	if (n > 0 && rbd_snap_get_namespace_type(image, snap->id, &type) == 0 &&
	    type == RBD_SNAP_NAMESPACE_TYPE_TRASH &&
	    ceph_read_text(trash_snap_original_name, &where, &original) == 0) {
		name = original;
		deleted = 1;
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = fn(arg, &children[i], name, deleted);
	rbd_linked_image_spec_list_cleanup(children, n);
	free(children);
	free(original);
	return r;
}

int image_children(rbd_image_t image, image_child_fn fn, void *arg,
		   struct image_children_problem *problem)
{
	rbd_snap_info_t *snaps = NULL;
	int nsnaps, r = 0;

	problem->listing_snapshots = 0;
	problem->snapshot[0] = '\0';
	/* All namespaces: a deleted snapshot lingers in the trash namespace
	 * while it has clones. */
	nsnaps = image_snapshots(image, &snaps);
	if (nsnaps < 0) {
		problem->listing_snapshots = 1;
		return nsnaps;
	}
	for (int i = 0; r == 0 && i < nsnaps; i++) {
		r = snapshot_children(image, &snaps[i], fn, arg);
		/* A snapshot deleted while we walk has no children left. */
		if (r == -ENOENT)
			r = 0;
		if (r < 0)
			snprintf(problem->snapshot, sizeof(problem->snapshot), "%s", snaps[i].name);
	}
	image_snapshots_free(snaps);
	return r;
}
