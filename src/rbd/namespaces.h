/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces.h - RBD namespaces of a pool checked, made and removed.
 *
 * An RBD namespace is a RADOS namespace that librbd has registered in the
 * pool's rbd_namespace object and given an image directory. (Listing
 * them is namespace_names, image_query.h.) */
#ifndef RBD_REST_API_NAMESPACES_H
#define RBD_REST_API_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>

#include <rados/librados.h>

/* Is ns registered? librbd asserts the state of the namespace's own
 * rbd_directory object through a copy of ioctx set to ns, so the
 * namespace ioctx is set to does not matter: one small read, no switch. */
int namespace_exists(rados_ioctx_t ioctx, const char *ns, bool *exists);

/* Registers ns: -EEXIST, before anything is written, when it is. */
int namespace_create(rados_ioctx_t ioctx, const char *ns);

/* What a namespace that cannot be removed still holds. */
struct namespace_contents {
	size_t images;
	size_t trashed;
};

/* Removes ns. When librbd refuses because it is in use or not empty
 * (-EBUSY, -ENOTEMPTY), *left says how many images and trash entries it
 * still holds (0 and 0 when they cannot be counted). ioctx's namespace
 * may be changed. */
int namespace_remove(rados_ioctx_t ioctx, const char *ns, struct namespace_contents *left);

#endif
