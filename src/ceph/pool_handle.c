/* SPDX-License-Identifier: Apache-2.0 */
/* pool_handle.c - a pool's id, and closing an io context (see
 * pool_handle.h). */
#include "config.h"

#include "pool_handle.h"

int pool_handle_id(rados_t cluster, const char *pool, int64_t *id)
{
	int64_t r = rados_pool_lookup(cluster, pool);

	if (r < 0)
		return (int)r;
	*id = r;
	return 0;
}

int64_t pool_handle_ioctx_id(rados_ioctx_t ioctx)
{
	return rados_ioctx_get_id(ioctx);
}

void pool_handle_close(void *ioctx)
{
	if (ioctx)
		rados_ioctx_destroy(ioctx);
}
