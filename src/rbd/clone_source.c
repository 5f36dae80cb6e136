/* SPDX-License-Identifier: Apache-2.0 */
/* clone_source.c - the parent snapshot of a clone (clone_source.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rbd/librbd.h>

#include "clone_source.h"
#include "image_query.h"

/* The name of the user snapshot with id, into name. */
static int user_snapshot_name(rbd_image_t image, uint64_t id, char *name, size_t len)
{
	rbd_snap_namespace_type_t type;
	int r = rbd_snap_get_namespace_type(image, id, &type);

	if (r == 0 && type != RBD_SNAP_NAMESPACE_TYPE_USER)
		r = -ENOENT;
	if (r == 0)
		r = rbd_snap_get_name(image, id, name, &len);
	return r;
}

static int find_snapshot(rbd_image_t image, const char *snapshot, uint64_t snapshot_id,
			 struct clone_source *src)
{
	bool exists = false;
	int r;

	if (!snapshot) {
		src->step = CLONE_SOURCE_SNAPSHOT_ID;
		r = user_snapshot_name(image, snapshot_id, src->snapshot, sizeof(src->snapshot));
		if (r < 0)
			return r;
	} else if (strlen(snapshot) >= sizeof(src->snapshot)) {
		src->step = CLONE_SOURCE_SNAPSHOT;
		return -ENOENT;
	} else {
		strcpy(src->snapshot, snapshot);
	}
	src->step = CLONE_SOURCE_SNAPSHOT;
	r = rbd_snap_exists(image, src->snapshot, &exists);
	if (r == 0 && !exists)
		r = -ENOENT;
	return r;
}

int clone_source_open(rados_ioctx_t ioctx, const char *name, const char *snapshot,
		      uint64_t snapshot_id, struct clone_source *src)
{
	int r;

	memset(src, 0, sizeof(*src));
	src->step = CLONE_SOURCE_OPEN;
	r = rbd_open_read_only(ioctx, name, &src->image, NULL);
	if (r < 0) {
		src->image = NULL;
		if (r == -ENOENT &&
		    trash_id_of(ioctx, name, src->trash_id, sizeof(src->trash_id)) < 0)
			src->trash_id[0] = '\0';
		return r;
	}
	r = find_snapshot(src->image, snapshot, snapshot_id, src);
	if (r < 0) {
		rbd_close(src->image);
		src->image = NULL;
	}
	return r;
}

enum clone_refusal clone_refusal_of(rbd_image_t parent, const char *snapshot)
{
	uint64_t features = 0;
	uint8_t old_format = 0;
	int is_protected = 1;

	if (rbd_get_old_format(parent, &old_format) == 0 && old_format)
		return CLONE_REFUSED_FORMAT_1;
	if (rbd_get_features(parent, &features) == 0 && !(features & RBD_FEATURE_LAYERING))
		return CLONE_REFUSED_NO_LAYERING;
	if (rbd_snap_is_protected(parent, snapshot, &is_protected) == 0 && !is_protected)
		return CLONE_REFUSED_UNPROTECTED;
	return CLONE_REFUSED_UNKNOWN;
}
