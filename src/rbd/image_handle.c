/* SPDX-License-Identifier: Apache-2.0 */
/* image_handle.c - opening and closing one image, and single calls on an
 * open image (image_handle.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include <rbd/librbd.h>

#include "image_handle.h"

int image_handle_open(rados_ioctx_t ioctx, const char *name, int writable, rbd_image_t *image)
{
	int r = writable ? rbd_open(ioctx, name, image, NULL)
			 : rbd_open_read_only(ioctx, name, image, NULL);

	if (r < 0)
		*image = NULL;
	return r;
}

void image_handle_close(void *image)
{
	if (image)
		rbd_close(image);
}

int image_handle_size(rbd_image_t image, uint64_t *size)
{
	return rbd_get_size(image, size);
}

int image_handle_id(rbd_image_t image, char *id, size_t len)
{
	return rbd_get_id(image, id, len);
}

int image_handle_has_parent(rbd_image_t image)
{
	rbd_linked_image_spec_t parent;
	rbd_snap_spec_t snap;
	int r = rbd_get_parent(image, &parent, &snap);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	rbd_linked_image_spec_cleanup(&parent);
	rbd_snap_spec_cleanup(&snap);
	return 1;
}

int image_handle_no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

int image_handle_flatten(rbd_image_t image)
{
	return rbd_flatten_with_progress(image, image_handle_no_progress, NULL);
}

int image_handle_resize(rbd_image_t image, uint64_t size, int allow_shrink)
{
	return rbd_resize2(image, size, allow_shrink, image_handle_no_progress, NULL);
}

int image_handle_at_snapshot(rbd_image_t image, const char *snapshot)
{
	return rbd_snap_set(image, snapshot);
}

int image_handle_snapshot_id(rbd_image_t image, const char *name, uint64_t *id)
{
	return rbd_snap_get_id(image, name, id);
}

int image_handle_lock_for_write(rbd_image_t image, int *locking)
{
	uint64_t features = 0;
	int r;

	*locking = 0;
	r = rbd_get_features(image, &features);
	if (r < 0)
		return r;
	if (!(features & RBD_FEATURE_EXCLUSIVE_LOCK))
		return 0;
	*locking = 1;
	r = rbd_lock_acquire(image, RBD_LOCK_MODE_EXCLUSIVE);
	return r == -EROFS ? -EBUSY : r;
}

int image_handle_features(rbd_image_t image, uint64_t *features)
{
	return rbd_get_features(image, features);
}

int image_handle_object_size(rbd_image_t image, uint64_t *bytes)
{
	rbd_image_info_t info;
	int r = rbd_stat(image, &info, sizeof(info));

	if (r == 0)
		*bytes = 1ull << info.order;
	return r;
}

int image_handle_sparsify(rbd_image_t image, uint64_t sparse_size)
{
	return rbd_sparsify_with_progress(image, (size_t)sparse_size, image_handle_no_progress,
					  NULL);
}
