/* SPDX-License-Identifier: Apache-2.0 */
/* pool_access.h - reaching pools beyond the worker's cached io
 * contexts: an io context of a request's own, whether a pool exists, and
 * the OSD map brought up to date (so a pool made or removed elsewhere is
 * seen).
 *
 * The cached io contexts are one per pool, their namespace set by each
 * lookup, so work that needs two pools or namespaces at once (a clone's
 * parent and child, a copy's source and destination) takes one private
 * io context for the other side. */
#ifndef RBD_REST_API_POOL_ACCESS_H
#define RBD_REST_API_POOL_ACCESS_H

#include <rados/librados.h>

/* A new io context on the pool of shared, set to namespace ns and to try
 * writes on a full pool as the cached ones do. Returns 0 or a negative
 * errno (*ioctx NULL). Released with pool_ioctx_release. */
int pool_ioctx_private(rados_ioctx_t shared, const char *ns, rados_ioctx_t *ioctx);

/* Destroys an io context of pool_ioctx_private; NULL is nothing. Its type
 * is that of a release function for api_own. */
void pool_ioctx_release(void *ioctx);

/* Does pool exist in the cluster? 1 yes, 0 no (any failure to look it up
 * counts as no, as the answer is a 404 either way). */
int pool_exists(rados_t cluster, const char *pool);

/* The same in the cluster of ioctx (a data pool beside the image's). */
int pool_exists_beside(rados_ioctx_t ioctx, const char *pool);

/* Waits for the newest OSD map from the monitors. Returns 0 or a
 * negative errno. Unbounded while the monitor hangs: callers ask only
 * when they know a newer map exists. */
int pool_map_catch_up(rados_t cluster);

#endif
