/* SPDX-License-Identifier: Apache-2.0 */
/* pool_trash.h - the trash object a removal needs, made ahead of a quota.
 *
 * librbd (16.2) removes an image by moving it to the trash first: an entry
 * in the object rbd_trash of the image's pool and namespace, made on the
 * first use. A pool at its quota refuses every write that adds an object
 * (FULL_TRY or not) but lets writes to existing objects and deletes
 * through, so with no rbd_trash yet, no image of the pool can be removed
 * until the quota is raised (librbd then reports "No such file or
 * directory"); with it, removals free space as they should. */
#ifndef RBD_REST_API_POOL_TRASH_H
#define RBD_REST_API_POOL_TRASH_H

#include <rados/librados.h>

/* Makes the (empty) trash object of ioctx's namespace unless it exists;
 * a write to it that adds nothing when it does. Returns 0, or a negative
 * errno: -EDQUOT when the pool is at its quota and the object is missing. */
int pool_trash_prepare(rados_ioctx_t ioctx);

/* The same for the default namespace and every namespace of the pool
 * (ioctx's namespace is changed, and set back to "" at the end). */
int pool_trash_prepare_all(rados_ioctx_t ioctx);

#endif
