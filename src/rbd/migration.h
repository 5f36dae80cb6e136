/* SPDX-License-Identifier: Apache-2.0 */
/* migration.h - librbd's live migration of an image, as sequences that
 * return 0 or a negative errno: read where it stands, prepare (with the
 * destination's own io context), commit, abort. Which message a failure
 * becomes is the caller's (api_migration.c). */
#ifndef RBD_REST_API_MIGRATION_H
#define RBD_REST_API_MIGRATION_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* "prepared", "executing", ... as `rbd migration status` says it. */
const char *migration_state_name(rbd_image_migration_state_t state);

/* The migration image name of ioctx is part of (as source or as
 * destination): 0 with *status (free with migration_status_free);
 * -EINVAL when it is not being migrated, -ENOENT when it does not
 * exist. */
int migration_status(rados_ioctx_t ioctx, const char *name, rbd_image_migration_status_t *status);
void migration_status_free(rbd_image_migration_status_t *status);

/* The destination's layout: set_layout fills librbd's create options
 * (features, object size, striping, data pool) from arg. */
typedef int (*migration_layout_fn)(const void *arg, rbd_image_options_t opts);

/* The name of pool pool_id in ioctx's cluster, or its id as text when
 * the pool is gone (a migration's other end may be in a deleted pool);
 * NULL when out of memory. The caller frees it. */
char *migration_pool_name(rados_ioctx_t ioctx, int64_t pool_id);

/* Where a failed prepare failed, for the caller's message. */
enum migration_step { MIGRATION_IOCTX = 1, MIGRATION_LAYOUT, MIGRATION_PREPARE, MIGRATION_STATUS };

/* Links destination dest (in dest_ns of the pool of dest_pool) to image
 * source of ioctx, which librbd moves to the trash, and reads the new
 * migration into *status (free with migration_status_free). The
 * destination gets an io context of its own: dest_pool may be the very
 * io context ioctx is (a thread caches one per pool), set to another
 * namespace. On failure *step says which step failed. */
int migration_prepare(rados_ioctx_t ioctx, const char *source, rados_ioctx_t dest_pool,
		      const char *dest_ns, const char *dest, migration_layout_fn set_layout,
		      const void *arg, rbd_image_migration_status_t *status,
		      enum migration_step *step);

/* Every descendant of image name (clones, clones of their clones):
 * *descendants (free with migration_descendants_free) and *count.
 * -ENOENT when the image does not exist. */
int migration_descendants(rados_ioctx_t ioctx, const char *name,
			  rbd_linked_image_spec_t **descendants, size_t *count);
void migration_descendants_free(rbd_linked_image_spec_t *descendants, size_t count);

/* Commits the executed migration of name (the source is removed). */
int migration_commit(rados_ioctx_t ioctx, const char *name);

/* Aborts the migration of name: the destination is removed and the
 * source comes back under its name. */
int migration_abort(rados_ioctx_t ioctx, const char *name);

#endif
