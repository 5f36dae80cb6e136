/* SPDX-License-Identifier: Apache-2.0 */
/* api_pools.h - what the pool handlers share. */
#ifndef RBD_REST_API_API_POOLS_H
#define RBD_REST_API_API_POOLS_H

#include <json-c/json.h>
#include <rados/librados.h>

#include "request.h"
#include "response.h"

/* The pool's settings as `ceph osd pool get POOL all` gives them, into
 * *settings (the caller's); 404 "pool X does not exist" or the monitor's
 * words otherwise. */
int api_pool_settings(struct response *resp, rados_t cluster, const char *pool,
		      struct json_object **settings);

/* The prelude of every pool route that asks the monitor: the pool's io
 * context (default namespace; 404 when the pool does not exist, which
 * the monitor's and manager's own words would not say plainly) and the
 * cluster. */
int api_pool_request(struct request *req, struct response *resp, const char *pool,
		     rados_ioctx_t *ioctx, rados_t *cluster);

/* Answers with pool as a Pool resource (settings, quota, usage as the
 * monitor has them now) and the given status. */
int api_respond_pool(struct request *req, struct response *resp, const char *pool, int status);

#endif
