/* SPDX-License-Identifier: Apache-2.0 */
/* group_query.h - RBD consistency groups as handlers read them: the
 * groups of a namespace, a group's member images, its group snapshots.
 * Plain data and negative errnos, no answers. */
#ifndef RBD_REST_API_GROUP_QUERY_H
#define RBD_REST_API_GROUP_QUERY_H

#include <stddef.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* The groups of ioctx's namespace: names separated by NUL, *names owned
 * by the caller. */
int group_names(rados_ioctx_t ioctx, char **names, size_t *len);

/* The member images of group, in an array grown until it fits. Returns 0
 * with *images and *count; free with group_images_free. */
int group_images_read(rados_ioctx_t ioctx, const char *group, rbd_group_image_info_t **images,
		      size_t *count);
void group_images_free(rbd_group_image_info_t *images, size_t count);

/* The group snapshots of group, the same way; free with group_snaps_free. */
int group_snaps_read(rados_ioctx_t ioctx, const char *group, rbd_group_snap_info_t **snaps,
		     size_t *count);
void group_snaps_free(rbd_group_snap_info_t *snaps, size_t count);

/* The state of group snapshot name of group: 0 with *state, -ENOENT
 * when the group has no such snapshot, or another errno. */
int group_snap_state(rados_ioctx_t ioctx, const char *group, const char *name,
		     rbd_group_snap_state_t *state);

/* Does group exist in ioctx's namespace? 0, -ENOENT, or another errno
 * (librbd lists a missing group's images and snapshots as none). */
int group_exists(rados_ioctx_t ioctx, const char *group);

#endif
