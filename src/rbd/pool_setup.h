/* SPDX-License-Identifier: Apache-2.0 */
/* pool_setup.h - a pool made ready for RBD, or deleted; and what says a
 * pool is one (its applications) when the manager's numbers are not
 * there (librados's own count).
 *
 * Making and deleting a pool are monitor commands (librados has no call
 * for them); readying it for RBD takes the rbd application, `rbd pool
 * init` and the trash object that removals need at a quota
 * (pool_trash.h), or for an erasure-coded pool, overwrites. */
#ifndef RBD_REST_API_POOL_SETUP_H
#define RBD_REST_API_POOL_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>

/* What a new pool is asked to be. */
struct pool_new {
	const char *name;
	bool erasure;             /* erasure-coded, else replicated */
	const char *profile;      /* erasure-code profile, NULL: the cluster's default */
	uint64_t pg_num;          /* 0: the monitor's default */
};

/* `osd pool create`: 0, -EEXIST when the monitor says the pool exists
 * already (which it answers with success), or a negative errno with the
 * monitor's words in outs. */
int pool_create(rados_t cluster, const struct pool_new *spec, char *outs, size_t outslen);

/* Readies the new pool (ioctx is its io context) for RBD; on failure
 * outs says which step failed and why. */
int pool_prepare_for_rbd(rados_t cluster, rados_ioctx_t ioctx, const char *pool, bool erasure,
			 char *outs, size_t outslen);

/* `osd pool delete`: 0, -ENOENT when the monitor says there is no such
 * pool (which it answers with success), or a negative errno with the
 * monitor's words in outs. */
int pool_delete(rados_t cluster, const char *pool, char *outs, size_t outslen);

/* The applications enabled on ioctx's pool, NUL-separated (*names is
 * the caller's). */
int pool_applications(rados_ioctx_t ioctx, char **names, size_t *len);

/* The pool's id. */
int64_t pool_id(rados_ioctx_t ioctx);

/* librados's count of the pool's bytes and objects. */
int pool_librados_stat(rados_ioctx_t ioctx, uint64_t *bytes, uint64_t *objects);

#endif
