/* SPDX-License-Identifier: Apache-2.0 */
/* pool_handle.h - the little a handler asks of a pool by its handles: a
 * pool's id by name, the id of an io context's pool, and closing an io
 * context of its own (one not from the worker's cache, ceph.h). */
#ifndef RBD_REST_API_POOL_HANDLE_H
#define RBD_REST_API_POOL_HANDLE_H

#include <stdint.h>

#include <rados/librados.h>

/* The id of pool (*id), or -ENOENT when there is no such pool. */
int pool_handle_id(rados_t cluster, const char *pool, int64_t *id);

/* The id of the pool of ioctx. */
int64_t pool_handle_ioctx_id(rados_ioctx_t ioctx);

/* Closes an io context of the caller's own; NULL is a no-op. Its type
 * fits api_own's release. */
void pool_handle_close(void *ioctx);

#endif
