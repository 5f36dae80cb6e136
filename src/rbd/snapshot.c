/* SPDX-License-Identifier: Apache-2.0 */
/* snapshot.c - the user snapshots of an open image (see snapshot.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "image_query.h"
#include "snapshot.h"

int snapshot_is_user(rbd_image_t image, uint64_t id)
{
	rbd_snap_namespace_type_t type;

	return rbd_snap_get_namespace_type(image, id, &type) == 0 &&
	       type == RBD_SNAP_NAMESPACE_TYPE_USER;
}

const char *snapshot_namespace_name(rbd_snap_namespace_type_t type)
{
	switch (type) {
	case RBD_SNAP_NAMESPACE_TYPE_USER: return "user";
	case RBD_SNAP_NAMESPACE_TYPE_GROUP: return "group";
	case RBD_SNAP_NAMESPACE_TYPE_TRASH: return "trash";
	case RBD_SNAP_NAMESPACE_TYPE_MIRROR: return "mirror";
	}
	return "unknown";
}

int snapshot_find(rbd_image_t image, const char *name, uint64_t *id, uint64_t *size)
{
	rbd_snap_info_t *snaps;
	int count = image_snapshots(image, &snaps);
	int found = 0;

	if (count < 0)
		return count;
	/* Names are unique among user snapshots only. */
	for (int i = 0; i < count && !found; i++) {
		if (strcmp(snaps[i].name, name) == 0 && snapshot_is_user(image, snaps[i].id)) {
			*id = snaps[i].id;
			*size = snaps[i].size;
			found = 1;
		}
	}
	image_snapshots_free(snaps);
	return found;
}

int snapshot_read(rbd_image_t image, const char *name, uint64_t id, uint64_t size,
		  struct snapshot_facts *facts)
{
	int r;

	facts->id = id;
	facts->size = size;
	facts->is_protected = 0;
	r = rbd_snap_get_namespace_type(image, id, &facts->type);
	if (r < 0)
		return r;
	/* librbd finds a snapshot by name among the user ones only; the
	 * others cannot be protected. */
	if (facts->type == RBD_SNAP_NAMESPACE_TYPE_USER) {
		r = rbd_snap_is_protected(image, name, &facts->is_protected);
		if (r < 0)
			return r;
	}
	return rbd_snap_get_timestamp(image, id, &facts->timestamp);
}

int snapshot_select(rbd_image_t image, uint64_t id)
{
	return rbd_snap_set_by_id(image, id);
}

int snapshot_open_at(rados_ioctx_t ioctx, const char *name, const char *snap, rbd_image_t *image,
		     uint64_t *id, uint64_t *size, enum snapshot_step *step)
{
	int r;

	*step = SNAPSHOT_OPEN;
	r = rbd_open_read_only(ioctx, name, image, NULL);
	if (r < 0)
		return r;
	*step = SNAPSHOT_LIST;
	r = snapshot_find(*image, snap, id, size);
	if (r == 0) {
		*step = SNAPSHOT_FIND;
		r = -ENOENT;
	} else if (r > 0) {
		*step = SNAPSHOT_SELECT;
		r = snapshot_select(*image, *id);
	}
	if (r < 0)
		rbd_close(*image);
	return r < 0 ? r : 0;
}

static int children_list(void *image, void *buf, size_t *count)
{
	return rbd_list_children3(image, buf, count);
}

int snapshot_clones(rbd_image_t image, const char *name, rbd_linked_image_spec_t **clones,
		    size_t *count)
{
	void *buf = NULL;
	int r;

	*clones = NULL;
	*count = 0;
	r = rbd_snap_set(image, name);
	if (r < 0)
		return r;
	/* A clone created in between makes librbd ask for more room. */
	r = ceph_read_array(children_list, image, sizeof(**clones), &buf, count);
	if (r == 0)
		*clones = buf;
	rbd_snap_set(image, NULL);
	return r;
}

void snapshot_clones_free(rbd_linked_image_spec_t *clones, size_t count)
{
	if (count)
		rbd_linked_image_spec_list_cleanup(clones, count);
	free(clones);
}

int snapshot_exists(rbd_image_t image, const char *name, bool *exists)
{
	return rbd_snap_exists(image, name, exists);
}

int snapshot_is_protected(rbd_image_t image, const char *name, int *is_protected)
{
	return rbd_snap_is_protected(image, name, is_protected);
}

int snapshot_protectable(rbd_image_t image)
{
	uint64_t features;
	int r = rbd_get_features(image, &features);

	if (r < 0)
		return r;
	return !!(features & RBD_FEATURE_LAYERING);
}

int snapshot_limit(rbd_image_t image, uint64_t *limit)
{
	return rbd_snap_get_limit(image, limit);
}

int snapshot_set_limit(rbd_image_t image, uint64_t limit)
{
	return rbd_snap_set_limit(image, limit);
}

/* librbd calls a progress callback unconditionally: NULL would crash. */
static int no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

int snapshot_create(rbd_image_t image, const char *name, const struct snapshot_quiesce *quiesce)
{
	uint32_t flags = 0;

	if (!quiesce->asked)
		return rbd_snap_create(image, name);
	if (!quiesce->quiesce)
		flags |= RBD_SNAP_CREATE_SKIP_QUIESCE;
	if (quiesce->ignore_error)
		flags |= RBD_SNAP_CREATE_IGNORE_QUIESCE_ERROR;
	return rbd_snap_create2(image, name, flags, no_progress, NULL);
}

/* Protection as asked, whether made now or meanwhile. */
static int snapshot_protect(rbd_image_t image, const char *name, int protect)
{
	int r;

	if (protect > 0) {
		r = rbd_snap_protect(image, name);
		return r == -EBUSY ? 0 : r;   /* protected meanwhile */
	}
	r = rbd_snap_unprotect(image, name);
	return r == -EINVAL ? 0 : r;          /* unprotected meanwhile */
}

int snapshot_change(rbd_image_t image, const char *name, int protect, const char *new_name,
		    enum snapshot_step *step)
{
	int r;

	if (protect) {
		*step = protect > 0 ? SNAPSHOT_PROTECT : SNAPSHOT_UNPROTECT;
		r = snapshot_protect(image, name, protect);
		if (r < 0)
			return r;
	}
	if (!new_name)
		return 0;
	*step = SNAPSHOT_RENAME;
	return rbd_snap_rename(image, name, new_name);
}

int snapshot_remove(rbd_image_t image, const char *name, int unprotect,
		    enum snapshot_step *step)
{
	int r;

	if (unprotect) {
		*step = SNAPSHOT_UNPROTECT;
		r = snapshot_protect(image, name, -1);
		if (r < 0)
			return r;
	}
	*step = SNAPSHOT_REMOVE;
	return rbd_snap_remove(image, name);
}

int snapshot_rollback(rbd_image_t image, const char *name)
{
	return rbd_snap_rollback_with_progress(image, name, no_progress, NULL);
}
