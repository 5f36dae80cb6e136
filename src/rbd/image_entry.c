/* SPDX-License-Identifier: Apache-2.0 */
/* image_entry.c - an image's entry in its pool's directory
 * (image_entry.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include <rbd/librbd.h>

#include "image_entry.h"

int image_entry_free(rados_ioctx_t ioctx, const char *name)
{
	rbd_image_t probe;
	int r = rbd_open_read_only(ioctx, name, &probe, NULL);

	if (r == 0) {
		rbd_close(probe);
		return -EEXIST;
	}
	return r == -ENOENT ? 0 : r;
}

int image_entry_taken(rados_ioctx_t ioctx, const char *name)
{
	return image_entry_free(ioctx, name) == -EEXIST;
}

int image_entry_rename(rados_ioctx_t ioctx, const char *from, const char *to)
{
	return rbd_rename(ioctx, from, to);
}

int image_entry_remove(rados_ioctx_t ioctx, const char *name)
{
	return rbd_remove(ioctx, name);
}
