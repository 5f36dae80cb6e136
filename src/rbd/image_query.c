/* SPDX-License-Identifier: Apache-2.0 */
/* image_query.c - RBD state read for handlers, rendered by nobody here
 * (see image_query.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "image_query.h"

/* librbd counts snapshots in an int and ends the list with an empty
 * entry (rbd_snap_list_end stops there), which it asks room for. */
static int snap_list(void *image, void *buf, size_t *count)
{
	int max = *count > INT_MAX ? INT_MAX : (int)*count;
	int r = rbd_snap_list(image, buf, &max);

	if (r < 0) {
		*count = (size_t)max;
		return r;
	}
	*count = (size_t)r;
	return 0;
}

int image_snapshots(rbd_image_t image, rbd_snap_info_t **snaps)
{
	size_t count = 0;
	void *buf;
	int r = ceph_read_array(snap_list, image, sizeof(**snaps), &buf, &count);

	*snaps = r == 0 ? buf : NULL;
	return r < 0 ? r : (int)count;
}

void image_snapshots_free(rbd_snap_info_t *snaps)
{
	if (!snaps)
		return;
	rbd_snap_list_end(snaps);
	free(snaps);
}

static int watcher_list(void *image, void *buf, size_t *count)
{
	return rbd_watchers_list(image, buf, count);
}

int image_watchers(rbd_image_t image, rbd_image_watcher_t **watchers, size_t *count)
{
	void *buf;
	int r;

	*count = 0;
	r = ceph_read_array(watcher_list, image, sizeof(**watchers), &buf, count);
	*watchers = r == 0 ? buf : NULL;
	return r;
}

void image_watchers_free(rbd_image_watcher_t *watchers, size_t count)
{
	if (count)
		rbd_watchers_list_cleanup(watchers, count);
	free(watchers);
}

static int namespace_list(void *ioctx, char *buf, size_t *len)
{
	int r = rbd_namespace_list(ioctx, buf, len);

	if (r < 0)
		return r;
	*len = (size_t)r;
	return 0;
}

int namespace_names(rados_ioctx_t ioctx, char **names, size_t *len)
{
	return ceph_read_list(namespace_list, ioctx, names, len);
}

static int descendant_list(void *image, void *buf, size_t *count)
{
	return rbd_list_descendants(image, buf, count);
}

int image_descendants(rbd_image_t image, rbd_linked_image_spec_t **descendants, size_t *count)
{
	void *buf;
	int r = ceph_read_array(descendant_list, image, sizeof(**descendants), &buf, count);

	if (r == 0)
		*descendants = buf;
	return r;
}

/* Stops the walk at the first extent that exists. */
static int found_extent(uint64_t offset, size_t len, int exists, void *arg)
{
	(void)offset;
	(void)len;
	(void)arg;
	return exists ? -EEXIST : 0;
}

int image_has_own_data(rbd_image_t image)
{
	uint64_t size;
	int r = rbd_get_size(image, &size);

	if (r < 0)
		return r;
	r = rbd_diff_iterate2(image, NULL, 0, size, 0, 1, found_extent, NULL);
	if (r == -EEXIST)
		return 1;
	return r < 0 ? r : 0;
}

static int trash_list(void *ioctx, void *buf, size_t *count)
{
	int r = rbd_trash_list(ioctx, buf, count);

	if (r < 0)
		return r;
	*count = (size_t)r;
	return 0;
}

int trash_entries_read(rados_ioctx_t ioctx, rbd_trash_image_info_t **entries, size_t *count)
{
	void *buf;
	int r = ceph_read_array(trash_list, ioctx, sizeof(**entries), &buf, count);

	if (r == 0)
		*entries = buf;
	return r;
}

int trash_id_of(rados_ioctx_t ioctx, const char *name, char *id, size_t idlen)
{
	rbd_trash_image_info_t *entries = NULL;
	size_t count = 0;
	int r = trash_entries_read(ioctx, &entries, &count);

	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < count && r == -ENOENT; i++)
		if (strcmp(entries[i].name, name) == 0) {
			snprintf(id, idlen, "%s", entries[i].id);
			r = 0;
		}
	rbd_trash_list_cleanup(entries, count);
	free(entries);
	return r;
}
