/* SPDX-License-Identifier: Apache-2.0 */
/* api_mirroring.h - what the mirroring handlers (api_mirroring*.c)
 * share. */
#ifndef RBD_REST_API_API_MIRRORING_H
#define RBD_REST_API_API_MIRRORING_H

#include <rados/librados.h>

struct request;
struct response;

/* The {pool} capture, the cluster and the pool's default-namespace io
 * context; answers on failure. */
int api_mirror_pool_request(struct request *req, struct response *resp, const char **pool,
			    rados_t *cluster, rados_ioctx_t *ioctx);

/* A GET of the pool's mirroring: the prelude above, then respond, which
 * answers. */
typedef int (*api_mirror_respond_fn)(struct response *resp, rados_t cluster, rados_ioctx_t ioctx,
				     const char *pool);
int api_mirror_pool_get(struct request *req, struct response *resp,
			api_mirror_respond_fn respond);

/* 400 (librbd's EINVAL) telling to set the pool's mode when mirroring is
 * disabled on it. */
int api_mirror_require_enabled(struct response *resp, rados_ioctx_t ioctx, const char *pool);

#endif
