/* SPDX-License-Identifier: Apache-2.0 */
/* migration.c - librbd's live migration of an image (see migration.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ceph.h"
#include "image_query.h"
#include "migration.h"

const char *migration_state_name(rbd_image_migration_state_t state)
{
	switch (state) {
	case RBD_IMAGE_MIGRATION_STATE_ERROR: return "error";
	case RBD_IMAGE_MIGRATION_STATE_PREPARING: return "preparing";
	case RBD_IMAGE_MIGRATION_STATE_PREPARED: return "prepared";
	case RBD_IMAGE_MIGRATION_STATE_EXECUTING: return "executing";
	case RBD_IMAGE_MIGRATION_STATE_EXECUTED: return "executed";
	case RBD_IMAGE_MIGRATION_STATE_ABORTING: return "aborting";
	default: return "unknown";
	}
}

int migration_status(rados_ioctx_t ioctx, const char *name, rbd_image_migration_status_t *status)
{
	return rbd_migration_status(ioctx, name, status, sizeof(*status));
}

void migration_status_free(rbd_image_migration_status_t *status)
{
	rbd_migration_status_cleanup(status);
}

char *migration_pool_name(rados_ioctx_t ioctx, int64_t pool_id)
{
	char *name = NULL;
	int r = ceph_pool_name(rados_ioctx_get_cluster(ioctx), pool_id, &name);

	if (r == -ENOMEM)
		return NULL;
	if (r < 0 && asprintf(&name, "%" PRId64, pool_id) < 0)
		return NULL;
	return name;
}

int migration_prepare(rados_ioctx_t ioctx, const char *source, rados_ioctx_t dest_pool,
		      const char *dest_ns, const char *dest, migration_layout_fn set_layout,
		      const void *arg, rbd_image_migration_status_t *status,
		      enum migration_step *step)
{
	rbd_image_options_t opts = NULL;
	rados_ioctx_t dioctx;
	int r;

	*step = MIGRATION_IOCTX;
	r = rados_ioctx_create2(rados_ioctx_get_cluster(dest_pool), rados_ioctx_get_id(dest_pool),
				&dioctx);
	if (r < 0)
		return r;
	rados_ioctx_set_namespace(dioctx, dest_ns);
	*step = MIGRATION_LAYOUT;
	rbd_image_options_create(&opts);
	r = set_layout(arg, opts);
	if (r == 0) {
		*step = MIGRATION_PREPARE;
		r = rbd_migration_prepare(ioctx, source, dioctx, dest, opts);
	}
	if (r == 0) {
		*step = MIGRATION_STATUS;
		r = migration_status(dioctx, dest, status);
	}
	rbd_image_options_destroy(opts);
	rados_ioctx_destroy(dioctx);
	return r;
}

int migration_descendants(rados_ioctx_t ioctx, const char *name,
			  rbd_linked_image_spec_t **descendants, size_t *count)
{
	rbd_image_t image;
	int r;

	*descendants = NULL;
	*count = 0;
	r = rbd_open_read_only(ioctx, name, &image, NULL);
	if (r < 0)
		return r;
	r = image_descendants(image, descendants, count);
	rbd_close(image);
	return r;
}

void migration_descendants_free(rbd_linked_image_spec_t *descendants, size_t count)
{
	if (count)
		rbd_linked_image_spec_list_cleanup(descendants, count);
	free(descendants);
}

/* librbd calls a progress callback unconditionally: NULL would crash. */
static int no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

int migration_commit(rados_ioctx_t ioctx, const char *name)
{
	return rbd_migration_commit_with_progress(ioctx, name, no_progress, NULL);
}

int migration_abort(rados_ioctx_t ioctx, const char *name)
{
	return rbd_migration_abort_with_progress(ioctx, name, no_progress, NULL);
}
