/* SPDX-License-Identifier: Apache-2.0 */
/* api_migrating.c - the 409 for a change librbd refuses (EBUSY) because
 * the image is the destination of a live migration. Apart from the
 * migration handlers (api_migration.c) so the image and trash handlers
 * that give it do not depend on them: api_migration.c uses the image
 * create fields of api_images.c, and this way no file of the two needs
 * the other back. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "api.h"
#include "migration.h"

int api_refuse_if_migrating(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
			    const char *doing)
{
	rbd_image_migration_status_t st;
	char other[IMAGE_SPEC_MAX], *pool;
	int r = migration_status(ioctx, ref->name, &st);

	if (r < 0)
		return 0; /* not migrating, or it cannot tell: the caller's own answer stands */
	pool = migration_pool_name(ioctx, st.source_pool_id);
	api_image_spec(pool ? pool : "?", st.source_pool_namespace ? st.source_pool_namespace : "",
		       st.source_image_name ? st.source_image_name : "", other, sizeof(other));
	free(pool);
	r = response_fail(resp, -EBUSY,
			  "image %s is being migrated from %s (state %s); it cannot be %s until the migration is committed (POST .../migration/commit) or aborted (POST .../migration/abort)",
			  ref->spec, other, migration_state_name(st.state), doing);
	migration_status_free(&st);
	return r;
}
