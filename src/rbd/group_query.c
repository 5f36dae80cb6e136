/* SPDX-License-Identifier: Apache-2.0 */
/* group_query.c - reading RBD consistency groups (see group_query.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "group_query.h"
#include "name_list.h"

static int group_list(void *ioctx, char *buf, size_t *len)
{
	int r = rbd_group_list(ioctx, buf, len);

	if (r < 0)
		return r;
	*len = (size_t)r;
	return 0;
}

int group_names(rados_ioctx_t ioctx, char **names, size_t *len)
{
	return ceph_read_list(group_list, ioctx, names, len);
}

/* What a group's lists need besides the buffer. */
struct group_handle {
	rados_ioctx_t ioctx;
	const char *group;
};

static int group_image_list(void *handle, void *buf, size_t *count)
{
	struct group_handle *g = handle;

	return rbd_group_image_list(g->ioctx, g->group, buf, sizeof(rbd_group_image_info_t), count);
}

int group_images_read(rados_ioctx_t ioctx, const char *group, rbd_group_image_info_t **images,
		      size_t *count)
{
	struct group_handle g = {ioctx, group};
	void *buf;
	int r = ceph_read_array(group_image_list, &g, sizeof(**images), &buf, count);

	if (r == 0)
		*images = buf;
	return r;
}

void group_images_free(rbd_group_image_info_t *images, size_t count)
{
	if (images && count)
		rbd_group_image_list_cleanup(images, sizeof(*images), count);
	free(images);
}

static int group_snap_list(void *handle, void *buf, size_t *count)
{
	struct group_handle *g = handle;

	return rbd_group_snap_list(g->ioctx, g->group, buf, sizeof(rbd_group_snap_info_t), count);
}

int group_snaps_read(rados_ioctx_t ioctx, const char *group, rbd_group_snap_info_t **snaps,
		     size_t *count)
{
	struct group_handle g = {ioctx, group};
	void *buf;
	int r = ceph_read_array(group_snap_list, &g, sizeof(**snaps), &buf, count);

	if (r == 0)
		*snaps = buf;
	return r;
}

void group_snaps_free(rbd_group_snap_info_t *snaps, size_t count)
{
	if (snaps && count)
		rbd_group_snap_list_cleanup(snaps, sizeof(*snaps), count);
	free(snaps);
}

int group_exists(rados_ioctx_t ioctx, const char *group)
{
	const char *name;
	char *names = NULL;
	size_t len = 0;
	int r = group_names(ioctx, &names, &len);

	if (r < 0)
		return r;
	/* librbd lists a missing group's images and snapshots as none, so
	 * only the directory of groups tells. */
	r = -ENOENT;
	for (size_t at = 0; (name = name_list_next(names, len, &at));)
		if (strcmp(name, group) == 0)
			r = 0;
	free(names);
	return r;
}

int group_snap_state(rados_ioctx_t ioctx, const char *group, const char *name,
		     rbd_group_snap_state_t *state)
{
	rbd_group_snap_info_t *snaps = NULL;
	size_t count = 0;
	int r = group_snaps_read(ioctx, group, &snaps, &count);

	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < count; i++)
		if (strcmp(snaps[i].name, name) == 0) {
			*state = snaps[i].state;
			r = 0;
		}
	group_snaps_free(snaps, count);
	return r;
}
