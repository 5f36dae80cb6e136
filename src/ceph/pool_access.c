/* SPDX-License-Identifier: Apache-2.0 */
/* pool_access.c - reaching pools beyond the worker's cached io contexts
 * (pool_access.h). */
#include "config.h"

#include <stddef.h>

#include <rados/librados.h>

#include "ceph.h"
#include "pool_access.h"

int pool_ioctx_private(rados_ioctx_t shared, const char *ns, rados_ioctx_t *ioctx)
{
	int r = rados_ioctx_create2(rados_ioctx_get_cluster(shared), rados_ioctx_get_id(shared),
				    ioctx);

	if (r < 0) {
		*ioctx = NULL;
		return r;
	}
	ceph_ioctx_full_try(*ioctx);
	rados_ioctx_set_namespace(*ioctx, ns);
	return 0;
}

void pool_ioctx_release(void *ioctx)
{
	if (ioctx)
		rados_ioctx_destroy(ioctx);
}

int pool_exists(rados_t cluster, const char *pool)
{
	return rados_pool_lookup(cluster, pool) >= 0;
}

int pool_exists_beside(rados_ioctx_t ioctx, const char *pool)
{
	return pool_exists(rados_ioctx_get_cluster(ioctx), pool);
}

int pool_map_catch_up(rados_t cluster)
{
	return rados_wait_for_latest_osdmap(cluster);
}
