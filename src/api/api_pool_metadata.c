/* SPDX-License-Identifier: Apache-2.0 */
/* api_pool_metadata.c - /api/v1/pools/{pool}/metadata: a pool's key/value
 * pairs: librbd's pool metadata (rbd_pool_metadata_*), which the rbd CLI
 * of Ceph 16 has no command for.
 *
 * librbd keeps them in the pool's rbd_info object. Keys that start with
 * "conf_" are the pool's RBD configuration overrides, the ones
 * .../pools/{pool}/config and `rbd config pool` set: librbd checks their
 * names and values itself. The answers and the key rule are those of
 * image metadata (api_metadata.h). */
#include "config.h"

#include <stdio.h>

#include "api.h"
#include "api_metadata.h"
#include "routes.h"

/* The pool of the {pool} capture as the owner: its default namespace,
 * where librbd keeps pool metadata (a change needs no lock: librbd
 * writes each pair with one call). */
static int pool_owner(struct request *req, struct response *resp, int change,
		      struct metadata_owner *owner)
{
	rados_ioctx_t ioctx;
	int r;

	(void)change;
	owner->pool = request_capture(req, "pool");
	owner->is_image = 0;
	snprintf(owner->name, sizeof(owner->name), "pool %s", owner->pool);
	r = api_ioctx(req, resp, owner->pool, "", &ioctx);
	if (r < 0)
		return r;
	owner->place = metadata_of_pool(ioctx);
	return 0;
}

int api_pool_metadata_list(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, pool_owner, METADATA_LIST);
}

int api_pool_metadata_get(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, pool_owner, METADATA_GET);
}

/* 201 with Location for a new key, 200 for a changed one. */
int api_pool_metadata_put(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, pool_owner, METADATA_PUT);
}

int api_pool_metadata_delete(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, pool_owner, METADATA_DELETE);
}
