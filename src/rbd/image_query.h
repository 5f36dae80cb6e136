/* SPDX-License-Identifier: Apache-2.0 */
/* image_query.h - RBD state that handlers read and render themselves:
 * the snapshots and watchers of an image, the namespaces of a pool, its
 * trash. Plain data and negative errnos, no answers. */
#ifndef RBD_REST_API_IMAGE_QUERY_H
#define RBD_REST_API_IMAGE_QUERY_H

#include <stddef.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* All snapshots of an open image (user, trash and mirror namespaces
 * alike), in librbd's order. Returns the count, or a negative errno with
 * *snaps NULL; free with image_snapshots_free. */
int image_snapshots(rbd_image_t image, rbd_snap_info_t **snaps);
void image_snapshots_free(rbd_snap_info_t *snaps);

/* Every client that has image open (librbd's watchers), in an array grown
 * until it fits. Returns 0 with *watchers and *count; free with
 * image_watchers_free. */
int image_watchers(rbd_image_t image, rbd_image_watcher_t **watchers, size_t *count);
void image_watchers_free(rbd_image_watcher_t *watchers, size_t count);

/* Every descendant of image (clones, clones of clones: librbd's
 * list_descendants), in an array grown until it fits. Returns 0 with
 * *descendants and *count (free with rbd_linked_image_spec_list_cleanup,
 * then free()), or a negative errno. */
int image_descendants(rbd_image_t image, rbd_linked_image_spec_t **descendants, size_t *count);

/* Does image hold data objects of its own, apart from what it reads from
 * a parent (a clone's, or a migration's source)? 1 or 0, or a negative
 * errno. Stops at the first; without fast-diff librbd asks object by
 * object, so it costs about what removing the image would. */
int image_has_own_data(rbd_image_t image);

/* The pool's namespaces as librbd returns them (the default one not
 * among them): names separated by NUL, *names owned by the caller. */
int namespace_names(rados_ioctx_t ioctx, char **names, size_t *len);

/* The trash entries of the namespace ioctx is set to, *entries owned by
 * the caller (rbd_trash_list_cleanup, then free). */
int trash_entries_read(rados_ioctx_t ioctx, rbd_trash_image_info_t **entries, size_t *count);

/* The id of the trash entry named name in ioctx's namespace (the newest
 * such when several), or -ENOENT. */
int trash_id_of(rados_ioctx_t ioctx, const char *name, char *id, size_t idlen);

#endif
