/* SPDX-License-Identifier: Apache-2.0 */
/* image_entry.h - an image's entry in its pool's directory: whether a
 * name is taken, renaming, removing. */
#ifndef RBD_REST_API_IMAGE_ENTRY_H
#define RBD_REST_API_IMAGE_ENTRY_H

#include <rados/librados.h>

/* Is name free in ioctx's pool and namespace? 0 when no image has it,
 * -EEXIST when one that can be opened (any format) does, or the error
 * that kept us from knowing. */
int image_entry_free(rados_ioctx_t ioctx, const char *name);

/* Is name an image that can be opened (any format)? 1 yes, 0 no (an
 * error counts as no). */
int image_entry_taken(rados_ioctx_t ioctx, const char *name);

/* Renames image from to to: -EEXIST when to is taken, -ENOENT when from
 * is gone. */
int image_entry_rename(rados_ioctx_t ioctx, const char *from, const char *to);

/* Removes image name (recording the removal in the pool's trash first, as
 * librbd does), and cleans up a directory entry an interrupted delete
 * left: -ENOTEMPTY (snapshots), -EBUSY (open, has clones, or migrating),
 * -ESTALE (changed meanwhile), -ENOENT. */
int image_entry_remove(rados_ioctx_t ioctx, const char *name);

#endif
